#pragma once
/// \file
/// braid::asyncio::condition (Python's asyncio.Condition): tasks wait until notified, releasing
/// a lock meanwhile and holding it again when they return. Loop-thread only.

#include <cstddef>
#include <type_traits>
#include <utility>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/lock.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A condition variable for tasks. It uses its own lock, or a lock passed to the constructor
/// (which must outlive it) when several conditions share one.
///
/// Cancel safety: wait() always holds the lock again when it returns or throws, cancelled or
/// not. A notified waiter keeps its notification: if the lock is free when it runs, wait()
/// returns normally and a cancellation that came meanwhile is delivered at its next suspension
/// point; if it must wait for the lock and is cancelled there, it passes the notification on to
/// the next waiter (as Python 3.13 does) and throws cancelled_error. A notification is never lost.
class condition {
 public:
  /// A condition with its own lock. Never throws.
  condition() noexcept : lock_(&own_) {}
  /// A condition using `shared`, which must outlive it. Never throws.
  explicit condition(asyncio::lock& shared) noexcept : lock_(&shared) {}
  condition(const condition&) = delete;
  condition& operator=(const condition&) = delete;

  /// The underlying lock's acquire (cancel safety as lock::acquire), release (throws
  /// invalid_state_error if unlocked) and locked (never throws).
  task<void> acquire() { return lock_->acquire(); }
  void release() { lock_->release(); }
  bool locked() const noexcept { return lock_->locked(); }

  /// Releases the lock, waits until notified, and acquires the lock again before returning.
  /// (Python's Condition.wait()). Throws invalid_state_error if the lock is not held (Python
  /// raises RuntimeError); event_loop_error outside a task (the lock is then kept);
  /// cancelled_error.
  /// **Cancel safety**: a cancelled wait leaves the queue, re-acquires the lock (waiting for it
  /// if needed, even though cancelled) and then throws cancelled_error; see the class comment.
  task<void> wait();

  /// Waits until `pred()` is true, checking it first, and returns its last value (Python's
  /// wait_for). The lock must be held; it is held again on return. `pred` is copied into the
  /// coroutine: it may capture by reference. g++ 12: name the lambda in its own statement
  /// before `co_await cond.wait_for(pred)` (see docs/asyncio.md). Throws as wait() and what
  /// `pred` throws. **Cancel safety**: as wait(); the lock is held on every way out.
  template <class Pred>
  task<std::decay_t<std::invoke_result_t<Pred&>>> wait_for(Pred pred) {
    auto result = pred();
    while (!result) {
      co_await wait();
      result = pred();
    }
    co_return result;
  }

  /// Wakes up to `n` waiters, in FIFO order; each returns from wait() once it got the lock back
  /// (Python's notify(n)). Throws invalid_state_error if the lock is not held.
  void notify(std::size_t n = 1);
  /// Wakes every waiter (Python's notify_all()). Throws invalid_state_error if the lock is not
  /// held.
  void notify_all();

 private:
  std::size_t wake(std::size_t n) noexcept;

  asyncio::lock own_;
  asyncio::lock* lock_;
  detail::wait_list waiters_;
};

}  // namespace braid::asyncio
