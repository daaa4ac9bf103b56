#pragma once
/// \file
/// The executor interface (Python's concurrent.futures.Executor): `futures::executor_like`, the
/// concept every braid executor satisfies, whether it runs work on threads, in processes or on
/// MPI ranks; and `futures::executor`, the base class of the in-process ones.

#include <concepts>
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

#include "braid/futures/detail/map_range.hpp"
#include "braid/futures/detail/work_item.hpp"
#include "braid/futures/future.hpp"

namespace braid::futures {

namespace detail {
/// A call every executor can run, in-process or in a worker process: what executor_like checks
/// submit() with (an empty function object, nameable in another process of the same binary).
struct executor_probe {
  int operator()() const noexcept { return 0; }
};
}  // namespace detail

/// The one executor interface (Python's concurrent.futures.Executor), satisfied by
/// thread_pool_executor (and every futures::executor) and multiprocessing::process_pool_executor,
/// and meant for every executor to come: `submit(fn, args...)` returning a futures::future,
/// `shutdown(wait, cancel_futures)`, `max_workers()`, and the lazy `map` / `map_unordered` ranges
/// with Python's semantics. Generic code (asyncio::run_in_executor, braid compare's models) is
/// written once against it: `template <futures::executor_like E> void f(E& executor)`.
///
/// What each executor accepts as `fn` differs: in-process executors take any callable,
/// out-of-process executors a function they can name in another process (a plain function, a
/// captureless lambda or an empty function object) with arguments that cereal can serialise;
/// a call that cannot travel is a compile error at the submit.
template <class E>
concept executor_like = requires(E& e, const E& ce, detail::executor_probe probe) {
  { e.submit(probe) } -> std::same_as<future<int>>;
  e.shutdown(true, false);
  { ce.max_workers() } -> std::convertible_to<std::size_t>;
};

/// The base class of in-process executors: runs callables on threads and hands back futures.
/// Thread-safe: submit, map and shutdown may be called from any thread, including from work running
/// on the executor itself.
class executor {
 public:
  virtual ~executor() = default;

  /// Schedules `fn(args...)` and returns a future for its result. `fn` and `args` are copied or
  /// moved into the task (like std::thread); pass std::ref to share. What `fn` throws is stored
  /// in the future.
  /// Throws executor_shutdown_error after shutdown(); broken_executor (or a subclass such as
  /// broken_thread_pool) if the executor is broken; std::bad_alloc.
  template <class F, class... Args>
  auto submit(F&& fn, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&&...>;
    using task = detail::task_state<R, std::decay_t<F>, std::decay_t<Args>...>;
    auto* item = new task(std::forward<F>(fn), std::forward<Args>(args)...);  // two references
    future<R> result = detail::make_future<R>(detail::state_ref<detail::state<R>>(item));
    try {
      schedule(item);
    } catch (...) {
      item->release();
      throw;
    }
    return result;
  }

  /// Applies `fn` to each input, yielding results in input order (Python's map). Lazy: at most
  /// `options.buffersize` tasks are in flight and inputs are read only as results are consumed,
  /// so endless inputs work. The first tasks start at once. Reaching an item whose task threw
  /// rethrows that exception and ends the iteration (earlier results were already yielded);
  /// options.timeout makes reaching an item after the deadline throw timeout_error. Destroying the
  /// range cancels tasks not started yet. Lvalue inputs must outlive the range; rvalue inputs are
  /// moved into it. Throws what submit() throws.
  template <class F, class Range>
  [[nodiscard("discarding map()'s range cancels the work it has not started")]] auto map(
      F fn, Range&& inputs, map_options options = {}) {
    return detail::ordered_map_range<executor, F, Range>(
        *this, std::move(fn), std::forward<Range>(inputs), window(options),
        detail::deadline_from(options));
  }

  /// As map(), but yields results in completion order.
  template <class F, class Range>
  [[nodiscard("discarding map_unordered()'s range cancels the work it has not started")]] auto
  map_unordered(F fn, Range&& inputs, map_options options = {}) {
    return detail::unordered_map_range<executor, F, Range>(
        *this, std::move(fn), std::forward<Range>(inputs), window(options),
        detail::deadline_from(options));
  }

  /// Stops accepting work (Python's shutdown). With `cancel_futures`, cancels queued work that
  /// has not started. With `wait`, returns only when all remaining work has finished and the
  /// executor's resources are freed. Calling it again is harmless.
  virtual void shutdown(bool wait = true, bool cancel_futures = false) = 0;

  /// How many tasks can run at once.
  virtual std::size_t max_workers() const noexcept = 0;

 protected:
  /// Queues `item`, taking over one of its references. If it throws, it took nothing.
  virtual void schedule(detail::work_item* item) = 0;

 private:
  std::size_t window(const map_options& options) const noexcept {
    return options.buffersize != 0 ? options.buffersize : 2 * max_workers();
  }
};

}  // namespace braid::futures
