#pragma once
/// \file
/// braid::futures::thread_pool_executor: Python's concurrent.futures.ThreadPoolExecutor.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "braid/futures/executor.hpp"

namespace braid::futures {

/// A snapshot of a thread pool's state, for monitoring and tests. Counts are read without a
/// common lock, so under load they are each exact but not taken at one instant.
struct thread_pool_statistics {
  std::size_t max_workers = 0;
  std::size_t workers = 0;       ///< threads started and not yet exited
  std::size_t idle_workers = 0;  ///< of those, how many are not running a task
  std::size_t queued = 0;        ///< tasks waiting to start
  std::uint64_t completed = 0;   ///< tasks taken off a queue and finished: run to a value or an
                                 ///< error, or skipped because they were cancelled while queued
  std::uint64_t stolen = 0;      ///< tasks a worker took from another worker's queue
  std::uint64_t parked = 0;      ///< times a worker went to sleep for lack of work
};

/// Runs tasks on a pool of threads (Python's ThreadPoolExecutor).
///
/// Workers start lazily, one whenever more tasks are unfinished (queued or running) than workers
/// exist, up to `max_workers`, and are then reused: a caller that waits for each result before
/// submitting the next task keeps using one worker. Tasks submitted from outside go to a shared
/// FIFO queue; a worker takes a fair share of it at a time into its own queue, which idle workers
/// steal from; tasks submitted from inside a task go to that worker's own queue. A worker that runs
/// out of work spins for a few tens of microseconds (at most half the cores spin at once) before it
/// sleeps, because waking a sleeping thread costs more than a short task on typical machines.
///
/// Thread-safe. Must not be destroyed from one of its own tasks.
class thread_pool_executor final : public executor {
 public:
  /// Python's default: min(32, cores + 4), at least 1.
  static std::size_t default_max_workers() noexcept;

  /// At most `max_workers` threads (Python's default when left out: default_max_workers()).
  /// Worker threads are named "<thread_name_prefix>_<n>" (default prefix
  /// "thread_pool_executor-<k>", k counting pools). `initializer` runs at the start of each
  /// worker thread; if it throws, the pool is broken: queued and later-submitted work fails with
  /// broken_thread_pool.
  /// Throws value_error if `max_workers` is 0 or negative (a negative int converts to a size
  /// beyond PTRDIFF_MAX), as Python raises ValueError; std::bad_alloc. Threads start on first
  /// use, not here.
  explicit thread_pool_executor(std::size_t max_workers = default_max_workers(),
                                std::string thread_name_prefix = {},
                                std::function<void()> initializer = {});
  /// shutdown(wait = true): runs what is queued, then joins every worker.
  ~thread_pool_executor() override;
  thread_pool_executor(const thread_pool_executor&) = delete;
  thread_pool_executor& operator=(const thread_pool_executor&) = delete;

  /// See executor::shutdown. Throws invalid_state_error if called with `wait` from one of this
  /// pool's own tasks (it would wait for itself); never throws otherwise.
  void shutdown(bool wait = true, bool cancel_futures = false) override;

  std::size_t max_workers() const noexcept override;

  /// A snapshot of the pool's counters. Never throws.
  thread_pool_statistics statistics() const noexcept;

 protected:
  void schedule(detail::work_item* item) override;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace braid::futures
