#pragma once
/// \file
/// braid::asyncio::lock (Python's asyncio.Lock) and semaphore / bounded_semaphore. FIFO: a
/// release hands the lock (or a unit) straight to the first waiter. Loop-thread only.

#include <cstddef>

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A mutual-exclusion lock for tasks (not threads).
class lock {
 public:
  bool locked() const noexcept { return locked_; }
  /// Waits for the lock. A cancellation point: a cancelled waiter leaves the queue without the
  /// lock; a waiter that was handed the lock keeps it (cancelled_error then comes at its next
  /// suspension point).
  task<void> acquire();
  /// Releases the lock, handing it to the first waiter. Throws invalid_state_error if unlocked.
  void release();

 private:
  detail::wait_list waiters_;
  bool locked_ = false;
};

/// A counter of available units (Python's asyncio.Semaphore).
class semaphore {
 public:
  explicit semaphore(std::size_t value = 1) noexcept : value_(value) {}
  bool locked() const noexcept { return value_ == 0; }
  std::size_t value() const noexcept { return value_; }
  /// Takes a unit, waiting while none is free. Cancellation as lock::acquire.
  task<void> acquire();
  /// Returns a unit, handing it to the first waiter.
  void release();

 protected:
  detail::wait_list waiters_;
  std::size_t value_;
};

/// A semaphore whose release() above the initial value throws invalid_state_error (Python's
/// BoundedSemaphore raises ValueError).
class bounded_semaphore : public semaphore {
 public:
  explicit bounded_semaphore(std::size_t value = 1) noexcept : semaphore(value), max_(value) {}
  void release();

 private:
  std::size_t max_;
};

}  // namespace braid::asyncio
