#include "braid/asyncio/condition.hpp"

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio {

task<void> condition::wait() {
  if (!lock_->locked()) throw invalid_state_error("condition::wait() without holding the lock");
  (void)detail::running_task_or_throw("condition::wait");  // before the lock is released
  lock_->release();
  bool notified = false;
  bool cancelled = false;
  {
    detail::park_operation op(waiters_, false);
    try {
      co_await op;
      notified = true;
    } catch (const cancelled_error&) {
      cancelled = true;
    }
  }
  // The lock is held again on every way out, even when cancelled (as in Python).
  for (;;) {
    try {
      co_await lock_->acquire();
      break;
    } catch (const cancelled_error&) {
      cancelled = true;
    }
  }
  if (cancelled) {
    if (notified) wake(1);  // cancelled after being notified: pass the notification on
    throw cancelled_error();
  }
}

std::size_t condition::wake(std::size_t n) noexcept {
  std::size_t woken = 0;
  while (woken < n && waiters_.wake_one()) ++woken;
  return woken;
}

void condition::notify(std::size_t n) {
  if (!lock_->locked()) throw invalid_state_error("condition::notify() without holding the lock");
  wake(n);
}

void condition::notify_all() {
  if (!lock_->locked()) {
    throw invalid_state_error("condition::notify_all() without holding the lock");
  }
  waiters_.wake_all();
}

}  // namespace braid::asyncio
