#include "braid/asyncio/fd_wait.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

fd_wait_operation::~fd_wait_operation() {
  if (loop_) detail::loop_access::unwatch_fd(*loop_, *this);  // harmless if it fired
}

bool fd_wait_operation::await_suspend(std::coroutine_handle<> h) {
  task_ = &detail::running_task_or_throw("wait_readable/wait_writable");
  event_loop& loop = task_->loop();
  detail::loop_access::watch_fd(loop, write_, *this);  // throws before anything is registered
  loop_ = &loop;
  if (!task_->suspend(*this, h)) {  // cancelled already: take the interest back
    detail::loop_access::unwatch_fd(loop, *this);
    cancelled_ = true;
    return false;
  }
  return true;
}

void fd_wait_operation::await_resume() const {
  if (cancelled_) throw cancelled_error();
}

void fd_wait_operation::run() noexcept {
  task_->wake();
}

bool fd_wait_operation::cancel() noexcept {
  if (!io_armed) return false;  // ready: this runnable is queued and will wake the task
  detail::loop_access::unwatch_fd(*loop_, *this);
  cancelled_ = true;
  task_->wake();
  return true;
}

}  // namespace braid::asyncio::detail
