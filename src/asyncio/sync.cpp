#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/lock.hpp"

namespace braid::asyncio {

namespace detail {
bool park_operation::await_suspend(std::coroutine_handle<> h) {
  task_ = &detail::running_task_or_throw("waiting on a lock, semaphore, event or queue");
  if (!task_->suspend(*this, h)) {
    cancelled_ = true;
    return false;
  }
  list_->push_back(*this);
  return true;
}
void park_operation::await_resume() const {
  if (cancelled_) throw cancelled_error();
}
}  // namespace detail

task<void> event::wait() {
  detail::park_operation op(waiters_, flag_);
  co_await op;
}

task<void> lock::acquire() {
  if (!locked_ && waiters_.empty()) {
    locked_ = true;
    co_return;
  }
  detail::park_operation op(waiters_, false);
  co_await op;  // release() handed the lock over: locked_ stays true
}

task<lock_guard> lock::scoped() {
  co_await acquire();
  co_return lock_guard(*this);
}

void lock::release() {
  if (!locked_) throw invalid_state_error("lock is not acquired");
  if (!waiters_.wake_one()) locked_ = false;
}

task<void> semaphore::acquire() {
  if (value_ > 0 && waiters_.empty()) {
    --value_;
    co_return;
  }
  detail::park_operation op(waiters_, false);
  co_await op;  // release() handed a unit over
}

task<semaphore_guard> semaphore::scoped() {
  co_await acquire();
  co_return semaphore_guard(*this);
}

void semaphore::release() {
  if (!waiters_.wake_one()) ++value_;
}

void bounded_semaphore::release() {
  if (waiters_.empty() && value_ >= max_) {
    throw invalid_state_error("bounded_semaphore released too many times");
  }
  semaphore::release();
}

}  // namespace braid::asyncio
