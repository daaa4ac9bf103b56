#pragma once
/// \file
/// braid::multiprocessing::pool: Python's multiprocessing.Pool, built on process_pool_executor,
/// so a task lost to a dead worker fails with worker_died instead of hanging the pool.

#include <cstddef>
#include <iterator>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/multiprocessing/process_pool_executor.hpp"

namespace braid::multiprocessing {

/// A pool of worker processes (Python's multiprocessing.Pool).
///
/// Errors: apply() and the eager maps rethrow what the task threw (remote_error), worker_died if
/// a worker died running it, executor_shutdown_error after close()/terminate().
/// Thread-safe, like process_pool_executor. The destructor terminates the workers, as Python's
/// `with Pool() as p:` does; call close() and join() first to let queued work finish.
class pool {
 public:
  /// `processes` workers (Python's default when left out: cpu_count()); `initializer` runs in
  /// each worker; a worker is replaced after `maxtasksperchild` tasks (0: never). Throws
  /// value_error if `processes` is 0 or negative (beyond PTRDIFF_MAX once converted), as Python
  /// raises ValueError; otherwise what process_pool_executor's constructor throws.
  explicit pool(std::size_t processes = cpu_count(), remote_call initializer = {},
                std::size_t maxtasksperchild = 0)
      : executor_(processes, std::move(initializer), maxtasksperchild) {}
  /// terminate(): stops the workers at once (Python's `with` exit). Never throws.
  ~pool() { executor_.terminate_workers(); }
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// Runs fn(args...) in a worker and waits for its result (Python's apply()). Throws what
  /// submit() throws, and what the future holds (remote_error, worker_died, ...).
  template <class F, class... Args>
  auto apply(F&& fn, Args&&... args) {
    return executor_.submit(std::forward<F>(fn), std::forward<Args>(args)...).result();
  }
  /// Runs fn(args...) in a worker; the future holds its result or error (Python's
  /// apply_async()). Throws what process_pool_executor::submit() throws.
  template <class F, class... Args>
  auto apply_async(F&& fn, Args&&... args) {
    return executor_.submit(std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// fn applied to every input, results in input order, as a vector (blocks until all are
  /// done; Python's map()). `chunksize` 0 picks Python's: about len / (4 * processes). Throws
  /// the first failed chunk's error (remote_error, worker_died, ...), and what submit() throws.
  template <class F, class Range>
  auto map(F fn, Range&& inputs, std::size_t chunksize = 0) {
    const std::size_t chunk = pick_chunksize(inputs, chunksize);
    using R = detail::call_result_t<F, std::decay_t<decltype(*std::begin(inputs))>>;
    std::vector<R> out;
    for (auto& r : executor_.map(fn, std::forward<Range>(inputs), {.chunksize = chunk})) {
      out.push_back(std::move(r));
    }
    return out;
  }
  /// fn(args...) for each tuple of args (Python's starmap), results in order, as a vector.
  /// Throws as map() does.
  template <class F, class Range>
  auto starmap(F fn, Range&& inputs, std::size_t chunksize = 0) {
    return map(detail::star<F>{fn}, std::forward<Range>(inputs), chunksize);
  }
  /// Lazy map (Python's imap): results in input order as they are consumed; reaching a failed
  /// item rethrows its error.
  template <class F, class Range>
  auto imap(F fn, Range&& inputs, std::size_t chunksize = 1) {
    return executor_.map(fn, std::forward<Range>(inputs), {.chunksize = chunksize});
  }
  /// Lazy map (Python's imap_unordered): results in completion order; reaching a failed item
  /// rethrows its error.
  template <class F, class Range>
  auto imap_unordered(F fn, Range&& inputs, std::size_t chunksize = 1) {
    return executor_.map_unordered(fn, std::forward<Range>(inputs), {.chunksize = chunksize});
  }

  /// No more work may be submitted; queued work still runs (Python's close()). Never throws.
  void close() noexcept { executor_.shutdown(false); }
  /// Stops the workers now (Python's terminate()); running tasks fail with worker_died, queued
  /// ones are cancelled. Never throws.
  void terminate() noexcept { executor_.terminate_workers(); }
  /// Waits for the workers to finish (after close() or terminate(); Python's join()). Never
  /// throws.
  void join() noexcept { executor_.shutdown(true); }

  /// The process_pool_executor underneath. Never throws.
  process_pool_executor& executor() noexcept { return executor_; }

 private:
  template <class Range>
  std::size_t pick_chunksize(const Range& inputs, std::size_t chunksize) const {
    if (chunksize != 0) return chunksize;
    if constexpr (requires { std::size(inputs); }) {
      const std::size_t n = std::size(inputs), parts = 4 * executor_.max_workers();
      return n / parts + (n % parts != 0 ? 1 : 0) + (n == 0 ? 1 : 0);
    } else {
      return 1;
    }
  }

  process_pool_executor executor_;
};

}  // namespace braid::multiprocessing
