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

#include <chrono>
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
time_point running_loop_time();

/// The deadline of one timeout scope: a timer that cancels the scope's task. Loop-thread only.
class deadline_timer final : public timer_node {
 public:
  /// Arms the timer for the running task (none if `when` is empty). Throws event_loop_error
  /// outside a task.
  explicit deadline_timer(std::optional<time_point> when);
  ~deadline_timer();
  deadline_timer(const deadline_timer&) = delete;
  deadline_timer& operator=(const deadline_timer&) = delete;
  /// Ends the scope with the body's outcome (`error` null on success). Returns false on success.
  /// If this scope's deadline caused the body's cancelled_error: throws timeout_error, or with
  /// `move_on` returns true. Otherwise rethrows `error`.
  bool exit(std::exception_ptr error, bool move_on);
  void fire() noexcept override;
  bool expired() const noexcept { return fired_; }
  std::optional<time_point> when() const noexcept {
    return has_deadline_ ? std::optional<time_point>(deadline) : std::nullopt;
  }
  void reschedule(std::optional<time_point> when);

 private:
  task_base* task_;
  unsigned cancelling_at_entry_;
  bool has_deadline_ = false;
  bool fired_ = false;
  bool exited_ = false;
};
}  // namespace detail

/// The deadline of a running timeout scope, handed to a body that takes one (Python 3.11's
/// asyncio.Timeout, trio's CancelScope):
///
/// ```
/// co_await asyncio::timeout(1s, [&](asyncio::timeout_scope& t) -> asyncio::task<void> {
///   co_await connect();
///   t.reschedule(t.when().value() + 1s);  // one more second for the handshake
///   co_await handshake();
/// });
/// ```
///
/// Valid while the body runs; loop-thread only; not copyable.
class timeout_scope {
 public:
  /// Made by the timeout functions for their body. Never throws.
  explicit timeout_scope(detail::deadline_timer& timer) noexcept : timer_(&timer) {}
  timeout_scope(const timeout_scope&) = delete;
  timeout_scope& operator=(const timeout_scope&) = delete;

  /// The deadline on the loop's clock, or empty if the scope has none (Python's when()).
  /// Never throws.
  std::optional<time_point> when() const noexcept { return timer_->when(); }
  /// Moves the deadline to `when`, or removes it if empty (Python's reschedule(None)). A
  /// deadline already past cancels the body on the loop's next iteration. Throws
  /// invalid_state_error if the deadline has already expired or the scope has ended (as Python
  /// raises RuntimeError).
  void reschedule(std::optional<time_point> when) { timer_->reschedule(when); }
  /// Moves the deadline to `delay` from now on the loop's clock; any duration type (clamped:
  /// seconds::max() means practically never). Throws as reschedule(); event_loop_error outside
  /// a running loop.
  template <class Rep, class Period>
  void reschedule_after(std::chrono::duration<Rep, Period> delay) {
    timer_->reschedule(detail::add_delay(detail::running_loop_time(), delay));
  }
  /// True once the deadline passed and cancelled the body (Python's expired()). Never throws.
  bool expired() const noexcept { return timer_->expired(); }

 private:
  detail::deadline_timer* timer_;
};

namespace detail {
template <class T>
task<T> run_with_deadline(time_point when, task<T> body) {
  deadline_timer scope(when);
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    try {
      co_await std::move(body);
    } catch (...) {
      error = std::current_exception();
    }
    scope.exit(std::move(error), false);
  } else {
    std::optional<T> value;
    try {
      value.emplace(co_await std::move(body));
    } catch (...) {
      error = std::current_exception();
    }
    scope.exit(std::move(error), false);
    co_return std::move(*value);
  }
}

template <class F>
using scoped_body_result_t = typename std::invoke_result_t<F&, timeout_scope&>::value_type;

/// What a scope returns: the body's value (fail_after), or whether the deadline cut the body
/// short (move_on_after: bool for a void body, else an optional that is empty then).
template <class T, bool MoveOn>
using scope_result_t =
    std::conditional_t<!MoveOn, T, std::conditional_t<std::is_void_v<T>, bool, std::optional<T>>>;

// `fn` is held in this frame: it lives as long as the body it returns, however the scope is
// awaited (even stored and awaited later).
template <bool MoveOn, class F>
task<scope_result_t<scoped_body_result_t<F>, MoveOn>> run_scoped(std::optional<time_point> when,
                                                                 F fn) {
  using T = scoped_body_result_t<F>;
  deadline_timer timer(when);
  timeout_scope scope(timer);
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    try {
      co_await fn(scope);
    } catch (...) {
      error = std::current_exception();
    }
    [[maybe_unused]] const bool cut = timer.exit(std::move(error), MoveOn);
    if constexpr (MoveOn) co_return cut;
  } else {
    std::optional<T> value;
    try {
      value.emplace(co_await fn(scope));
    } catch (...) {
      error = std::current_exception();
    }
    [[maybe_unused]] const bool cut = timer.exit(std::move(error), MoveOn);
    if constexpr (MoveOn) {
      if (cut) co_return std::nullopt;
      co_return std::move(value);
    } else {
      co_return std::move(*value);
    }
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
}  // namespace detail

/// Runs `body` with a deadline of `when` on the loop's clock (Python's timeout_at). Returns
/// body's value. Throws timeout_error if the deadline cancelled the body; cancelled_error if the
/// task was cancelled from elsewhere; event_loop_error (when awaited) outside a task; what body
/// throws.
/// **Cancel safety**: cancelling the awaiting task cancels the body at its current await (what
/// that await loses is the body's own cancel safety); the scope rethrows cancelled_error.
/// Loop-thread only.
template <class T>
task<T> timeout_at(time_point when, task<T> body) {
  return detail::run_with_deadline(when, std::move(body));
}

/// As timeout_at, `delay` from now (Python's asyncio.timeout). `delay` may be any duration
/// type; it is clamped, so seconds::max() means practically never. The deadline counts from
/// this call, not from the await. Throws event_loop_error at once outside a running loop.
template <class T, class Rep, class Period>
task<T> timeout(std::chrono::duration<Rep, Period> delay, task<T> body) {
  return detail::run_with_deadline(detail::add_delay(detail::running_loop_time(), delay),
                                   std::move(body));
}

/// A block of code under a deadline: `fn()` returns the task to run (called at once). The
/// callable may capture by reference; it lives until the awaiting expression ends. Throws and
/// cancel safety as timeout_at(when, body).
template <class F, class = std::enable_if_t<std::is_invocable_v<F&>>>
auto timeout_at(time_point when, F&& fn) -> task<detail::body_result_t<F>> {
  return detail::run_with_deadline(when, fn());
}
/// As timeout_at(when, fn), `delay` (any duration type, clamped) from now. As timeout(delay, t).
template <class Rep, class Period, class F, class = std::enable_if_t<std::is_invocable_v<F&>>>
auto timeout(std::chrono::duration<Rep, Period> delay, F&& fn) -> task<detail::body_result_t<F>> {
  return detail::run_with_deadline(detail::add_delay(detail::running_loop_time(), delay), fn());
}

/// Awaits `t` for at most `delay` (Python's wait_for): timeout_error when it runs out, and the
/// coroutine is cancelled. `delay` is any duration type, clamped. Throws and cancel safety as
/// timeout(delay, t).
template <class T, class Rep, class Period>
task<T> wait_for(task<T> t, std::chrono::duration<Rep, Period> delay) {
  return timeout(delay, std::move(t));
}
/// Awaits a running task for at most `delay`; on timeout the task is cancelled (as Python
/// does), awaited, and timeout_error is thrown. Throws what the task throws, cancelled_error,
/// event_loop_error outside a running loop.
/// **Cancel safety**: cancelling the awaiting task cancels the awaited task too (as awaiting
/// its handle does), waits for it, and throws cancelled_error.
template <class T, class Rep, class Period>
task<T> wait_for(task_handle<T> h, std::chrono::duration<Rep, Period> delay) {
  return timeout(delay, detail::await_handle(std::move(h)));
}

/// A block of code whose body takes the scope's timeout_scope& (to read or move the deadline):
/// `co_await timeout(1s, [&](timeout_scope& t) -> task<void> { ... })`. As timeout(); `fn` is
/// moved into the returned task, so the scope may be stored and awaited later (the deadline
/// still counts from this call).
template <class Rep, class Period, class F,
          class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto timeout(std::chrono::duration<Rep, Period> delay, F fn)
    -> task<detail::scoped_body_result_t<F>> {
  return detail::run_scoped<false>(detail::add_delay(detail::running_loop_time(), delay),
                                   std::move(fn));
}
/// As timeout(delay, fn) with an absolute deadline; an empty `when` means none yet (Python's
/// timeout_at(None)), for a body that sets one with reschedule(). Throws and cancel safety as
/// fail_after.
template <class F, class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto timeout_at(std::optional<time_point> when, F fn) -> task<detail::scoped_body_result_t<F>> {
  return detail::run_scoped<false>(when, std::move(fn));
}

/// trio's fail_after: runs the block `fn(scope)` (a callable taking timeout_scope& and
/// returning a task) with a deadline `delay` (any duration type, clamped) from now; the same as
/// timeout(delay, fn).
/// Throws timeout_error if the deadline cancelled the body; cancelled_error if the task was
/// cancelled from elsewhere; what the body throws.
/// **Cancel safety**: a cancellation point; cancelling the awaiting task cancels the body,
/// which sees cancelled_error at its current await; the scope then rethrows cancelled_error.
/// Loop-thread only.
template <class Rep, class Period, class F,
          class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto fail_after(std::chrono::duration<Rep, Period> delay, F fn)
    -> task<detail::scoped_body_result_t<F>> {
  return detail::run_scoped<false>(detail::add_delay(detail::running_loop_time(), delay),
                                   std::move(fn));
}
/// As fail_after, at `when` on the loop's clock (trio's fail_at). Throws and cancel safety as
/// fail_after.
template <class F, class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto fail_at(time_point when, F fn) -> task<detail::scoped_body_result_t<F>> {
  return detail::run_scoped<false>(when, std::move(fn));
}

/// trio's move_on_after: runs the block `fn(scope)` with a deadline `delay` (any duration type,
/// clamped) from now; at the deadline the body is cancelled and execution continues after the
/// scope. Returns, for a body of task<void>, true if the deadline cut the body short (trio's
/// cancelled_caught); for a body of task<T>, the value, or an empty optional if the deadline
/// cut it short:
///
/// ```
/// bool gave_up = co_await asyncio::move_on_after(1s, [&](asyncio::timeout_scope&) {
///   return poll_until_ready();
/// });
/// ```
///
/// Throws cancelled_error if the task was cancelled from elsewhere (never swallowed); what the
/// body throws. If the body catches the deadline's cancellation itself and finishes, the result
/// says it completed.
/// **Cancel safety**: a cancellation point; a cancel from outside cancels the body and comes
/// out as cancelled_error. Loop-thread only.
template <class Rep, class Period, class F,
          class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto move_on_after(std::chrono::duration<Rep, Period> delay, F fn)
    -> task<detail::scope_result_t<detail::scoped_body_result_t<F>, true>> {
  return detail::run_scoped<true>(detail::add_delay(detail::running_loop_time(), delay),
                                  std::move(fn));
}
/// As move_on_after, at `when` on the loop's clock (trio's move_on_at). Throws and cancel
/// safety as move_on_after.
template <class F, class = std::enable_if_t<std::is_invocable_v<F&, timeout_scope&>>>
auto move_on_at(time_point when, F fn)
    -> task<detail::scope_result_t<detail::scoped_body_result_t<F>, true>> {
  return detail::run_scoped<true>(when, std::move(fn));
}

/// Runs `t` as its own task and awaits it; cancelling the awaiting task only stops the wait
/// (cancelled_error at once) while the shielded task runs on, owned by the loop (Python's
/// shield). Its failure, if nobody else awaits it, is reported when it ends. Throws what `t`
/// throws; event_loop_error outside a running loop; std::bad_alloc.
/// **Cancel safety**: the work is never lost: a cancelled wait throws cancelled_error at once
/// and the task finishes on its own (its result is then dropped). Loop-thread only.
template <class T>
task<T> shield(task<T> t) {
  auto h = event_loop::running().create_task(std::move(t));
  detail::join_operation join(*h.base(), true);
  co_await join;
  co_return std::move(h).result();
}

}  // namespace braid::asyncio
