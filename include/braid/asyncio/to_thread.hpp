#pragma once
/// \file
/// Running blocking code from a task: to_thread (Python's asyncio.to_thread) and
/// run_in_executor (Python's loop.run_in_executor).

#include <stop_token>
#include <type_traits>
#include <utility>

#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/future_operation.hpp"
#include "braid/futures/executor.hpp"

namespace braid::asyncio {

/// Submits `fn(args...)` to `executor` at once and returns an awaitable for its result (Python's
/// loop.run_in_executor). `executor` is any braid executor: a thread pool, a process pool
/// (CPU-bound work off the loop and out of the process), the MPI executor.
///
/// If `fn` takes a std::stop_token first (`fn(token, args...)`, in-process executors only),
/// cancelling the awaiting task requests stop and waits for `fn` to return, then throws
/// cancelled_error (Python cannot cancel these).
///
/// Cancel safety: without a stop token, a cancellation cancels the work if it has not started
/// (it then never runs), or stops waiting while it runs on; the awaiting task gets
/// cancelled_error either way.
/// Throws what executor.submit throws; awaiting rethrows what `fn` threw (for a process pool,
/// remote_error, worker_died, ...). Call it on the loop's thread; the executor is thread-safe.
template <futures::executor_like E, class F, class... Args>
auto run_in_executor(E& executor, F&& fn, Args&&... args) {
  if constexpr (std::is_invocable_v<std::decay_t<F>&, std::stop_token, std::decay_t<Args>&&...>) {
    std::stop_source stop;
    auto f = executor.submit(std::forward<F>(fn), stop.get_token(), std::forward<Args>(args)...);
    using R = typename decltype(f)::value_type;
    return future_operation<R>(std::move(f), true, std::move(stop));
  } else {
    auto f = executor.submit(std::forward<F>(fn), std::forward<Args>(args)...);
    using R = typename decltype(f)::value_type;
    return future_operation<R>(std::move(f), true);
  }
}

/// run_in_executor on the running loop's default executor (a thread pool made on first use)
/// (Python's asyncio.to_thread). Throws event_loop_error outside a running loop, and as
/// run_in_executor; cancel safety as run_in_executor. Loop-thread only.
template <class F, class... Args>
auto to_thread(F&& fn, Args&&... args) {
  return run_in_executor(event_loop::running().default_executor(), std::forward<F>(fn),
                         std::forward<Args>(args)...);
}

}  // namespace braid::asyncio
