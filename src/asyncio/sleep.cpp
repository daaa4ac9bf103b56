#include "braid/asyncio/sleep.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

time_point loop_time() {
  return event_loop::running().time();
}

sleep_operation::~sleep_operation() {
  if (armed()) detail::loop_access::cancel_timer(task_->loop(), *this);
}

bool sleep_operation::await_suspend(std::coroutine_handle<> h) {
  task_ = &detail::running_task_or_throw("sleep");
  event_loop& loop = task_->loop();
  if (yield_) {
    if (!task_->suspend(*this, h)) {
      cancelled_ = true;
      return false;
    }
    task_->schedule();  // the wait stays registered, so a cancel still lands on this sleep
    return true;
  }
  detail::loop_access::add_timer(loop, *this);
  if (!task_->suspend(*this, h)) {
    detail::loop_access::cancel_timer(loop, *this);
    cancelled_ = true;
    return false;
  }
  return true;
}

void sleep_operation::await_resume() const {
  if (cancelled_) throw cancelled_error();
}

void sleep_operation::fire() noexcept {
  task_->wake();
}

bool sleep_operation::cancel() noexcept {
  if (yield_) {  // already in the ready queue
    cancelled_ = true;
    return true;
  }
  if (!armed()) return false;
  detail::loop_access::cancel_timer(task_->loop(), *this);
  cancelled_ = true;
  task_->wake();
  return true;
}

}  // namespace braid::asyncio::detail
