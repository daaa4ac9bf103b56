#include "braid/asyncio/detail/io_awaiter.hpp"

#include <cerrno>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

io_awaiter::~io_awaiter() {
  if (armed) loop_access::abandon_io(*loop_, *this);
}

bool io_awaiter::await_ready() {
  task_ = &running_task_or_throw(what_);
  loop_ = &task_->loop();
  return loop_access::try_io(*loop_, *this);
}

bool io_awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
  if (!task_->suspend(*this, h)) {  // a cancellation was pending: start nothing
    cancelled_ = true;
    return false;
  }
  loop_access::submit_io(*loop_, *this);
  return true;
}

long io_awaiter::await_resume() const {
  if (cancelled_) throw cancelled_error();
  return result;
}

void io_awaiter::run() noexcept {
  // io_uring stopped it at the task's request: that request is answered here.
  if (result == -ECANCELED && task_->take_cancel()) cancelled_ = true;
  task_->wake_now();  // `this` may be gone once it returns: the step may end the frame
}

bool io_awaiter::cancel() noexcept {
  if (!armed) return false;  // completed: this runnable is queued and will wake the task
  if (!loop_access::cancel_io(*loop_, *this)) return false;  // the kernel answers later
  cancelled_ = true;
  task_->wake();
  return true;
}

}  // namespace braid::asyncio::detail
