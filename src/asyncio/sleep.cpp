#include "braid/asyncio/sleep.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

time_point loop_time() {
  return event_loop::running().time();
}

sleep_operation::~sleep_operation() {
  if (armed()) task_->loop().cancel_timer(*this);
}

bool sleep_operation::await_suspend(std::coroutine_handle<> h) {
  event_loop& loop = event_loop::running();
  task_ = loop.running_task();
  if (yield_) {
    if (!task_->suspend(*this, h)) {
      cancelled_ = true;
      return false;
    }
    task_->schedule();  // the wait stays registered, so a cancel still lands on this sleep
    return true;
  }
  loop.add_timer(*this);
  if (!task_->suspend(*this, h)) {
    loop.cancel_timer(*this);
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
  task_->loop().cancel_timer(*this);
  cancelled_ = true;
  task_->wake();
  return true;
}

}  // namespace braid::asyncio::detail
