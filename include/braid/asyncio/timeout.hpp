#pragma once
/// \file
/// Timeouts as cancel scopes (Python 3.11's asyncio.timeout, trio's fail_after):
///
/// ```
/// int v = co_await asyncio::timeout(100ms, fetch());            // a coroutine
/// co_await asyncio::timeout(1s, [&]() -> asyncio::task<void> {  // a block of code
///   co_await step_one();
///   co_await step_two();
/// });
/// ```
///
/// When the deadline passes, the task running the scope is cancelled: whatever it awaits inside
/// is abandoned (its timer, its queue slot...), and at the scope's end the resulting
/// cancelled_error becomes timeout_error. A cancellation coming from outside is never turned into
/// timeout_error: the counted cancel requests (cancelling()) tell them apart, so nested scopes
/// compose. wait_for() is a timeout scope around one awaitable.

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio {

namespace detail {
/// The deadline of one timeout scope: a timer that cancels the scope's task.
class timeout_scope final : public timer_node {
 public:
  /// Arms the timer for the running task. Throws event_loop_error outside a task.
  explicit timeout_scope(time_point when);
  ~timeout_scope();
  timeout_scope(const timeout_scope&) = delete;
  timeout_scope& operator=(const timeout_scope&) = delete;
  /// Ends the scope with the body's outcome (`error` null on success): rethrows `error`,
  /// turned into timeout_error if this scope's deadline caused it.
  void exit(std::exception_ptr error);
  void fire() noexcept override;
  bool expired() const noexcept { return fired_; }

 private:
  task_base* task_;
  unsigned cancelling_at_entry_;
  bool fired_ = false;
};

template <class T>
task<T> run_with_deadline(time_point when, task<T> body) {
  timeout_scope scope(when);
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    try {
      co_await std::move(body);
    } catch (...) {
      error = std::current_exception();
    }
    scope.exit(std::move(error));
  } else {
    std::optional<T> value;
    try {
      value.emplace(co_await std::move(body));
    } catch (...) {
      error = std::current_exception();
    }
    scope.exit(std::move(error));
    co_return std::move(*value);
  }
}

template <class T>
task<T> await_handle(task_handle<T> h) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(h);
  } else {
    co_return co_await std::move(h);
  }
}

template <class F>
using body_result_t = typename std::invoke_result_t<F&>::value_type;

time_point running_loop_time();
}  // namespace detail

/// Runs `body` with a deadline of `when` on the loop's clock (Python's timeout_at). Returns
/// body's value. Throws timeout_error if the deadline cancelled the body; cancelled_error if the
/// task was cancelled from elsewhere; what body throws. A cancellation point.
template <class T>
task<T> timeout_at(time_point when, task<T> body) {
  return detail::run_with_deadline(when, std::move(body));
}

/// As timeout_at, `delay` from now (Python's asyncio.timeout).
template <class T>
task<T> timeout(duration delay, task<T> body) {
  return detail::run_with_deadline(detail::running_loop_time() + delay, std::move(body));
}

/// A block of code under a deadline: `fn()` returns the task to run. The callable may capture
/// by reference; it lives until the awaiting expression ends.
template <class F, class = std::enable_if_t<std::is_invocable_v<F&>>>
auto timeout_at(time_point when, F&& fn) -> task<detail::body_result_t<F>> {
  return detail::run_with_deadline(when, fn());
}
template <class F, class = std::enable_if_t<std::is_invocable_v<F&>>>
auto timeout(duration delay, F&& fn) -> task<detail::body_result_t<F>> {
  return detail::run_with_deadline(detail::running_loop_time() + delay, fn());
}

/// Awaits `t` for at most `delay` (Python's wait_for): timeout_error when it runs out, and the
/// coroutine is cancelled. A cancellation point.
template <class T>
task<T> wait_for(task<T> t, duration delay) {
  return timeout(delay, std::move(t));
}
/// Awaits a running task for at most `delay`; on timeout the task is cancelled (as Python
/// does), awaited, and timeout_error is thrown.
template <class T>
task<T> wait_for(task_handle<T> h, duration delay) {
  return timeout(delay, detail::await_handle(std::move(h)));
}

/// Runs `t` as its own task and awaits it; cancelling the awaiting task only stops the wait
/// (cancelled_error at once) while the shielded task runs on, owned by the loop (Python's
/// shield). Its failure, if nobody else awaits it, is reported when it ends.
template <class T>
task<T> shield(task<T> t) {
  auto h = event_loop::running().create_task(std::move(t));
  detail::join_operation join(*h.base(), true);
  co_await join;
  co_return std::move(h).result();
}

}  // namespace braid::asyncio
