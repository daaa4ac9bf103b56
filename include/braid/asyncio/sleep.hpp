#pragma once
/// \file
/// braid::asyncio::sleep and sleep_until (Python's asyncio.sleep).

#include <coroutine>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"

namespace braid::asyncio {

class event_loop;

namespace detail {
/// The awaitable behind sleep(): a timer node and a wait in the sleeping coroutine's frame.
class sleep_operation final : public timer_node, public waiter {
 public:
  sleep_operation(time_point when, bool yield_only) noexcept : yield_(yield_only) {
    deadline = when;
  }
  sleep_operation(const sleep_operation&) = delete;
  ~sleep_operation();
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h);
  void await_resume() const;
  void fire() noexcept override;
  bool cancel() noexcept override;

 private:
  task_base* task_ = nullptr;
  bool yield_;
  bool cancelled_ = false;
};
time_point loop_time();
}  // namespace detail

/// Suspends the calling task for `delay` on its loop's clock (virtual in tests). A delay of zero
/// or less yields once: every task and callback already ready runs first (Python's sleep(0)).
/// Any duration type; clamped, so seconds::max() means practically never.
/// Throws event_loop_error outside a running loop (at the call for a positive delay, else when
/// awaited) or when awaited outside a task, std::bad_alloc, cancelled_error. Await it from a
/// task. Loop-thread only.
/// **Cancel safety**: cancel-safe: cancelling removes the timer and throws cancelled_error.
template <class Rep, class Period>
detail::sleep_operation sleep(std::chrono::duration<Rep, Period> delay) {
  if (delay.count() <= 0) return detail::sleep_operation(time_point{}, true);
  return detail::sleep_operation(detail::add_delay(detail::loop_time(), delay), false);
}

/// Suspends the calling task until `when` on its loop's clock (a past `when` waits for the next
/// iteration's timers). Throws event_loop_error when awaited outside a running loop or a task,
/// std::bad_alloc, cancelled_error. Cancel safety as sleep().
inline detail::sleep_operation sleep_until(time_point when) {
  return detail::sleep_operation(when, false);
}

}  // namespace braid::asyncio
