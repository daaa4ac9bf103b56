#pragma once
/// \file
/// braid::asyncio::lock (Python's asyncio.Lock) and semaphore / bounded_semaphore. FIFO: a
/// release hands the lock (or a unit) straight to the first waiter. Loop-thread only.

#include <cstddef>
#include <utility>

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

class lock;
class semaphore;

/// Holds a lock (or one unit of a semaphore) and releases it when destroyed: what Python's
/// `async with lock:` does. Made by lock::scoped() / semaphore::scoped():
///
/// ```
/// {
///   auto held = co_await mutex.scoped();
///   co_await write_both_halves();
/// }  // released here, by an exception or a cancellation too
/// ```
///
/// Movable (the moved-from guard holds nothing), not copyable. Loop-thread only, like the lock.
template <class Lockable>
class [[nodiscard]] scoped_guard {
 public:
  /// Adopts a lock the caller holds. Never throws.
  explicit scoped_guard(Lockable& l) noexcept : lock_(&l) {}
  scoped_guard(scoped_guard&& o) noexcept : lock_(std::exchange(o.lock_, nullptr)) {}
  scoped_guard& operator=(scoped_guard&& o) noexcept {
    if (this != &o) {
      reset();
      lock_ = std::exchange(o.lock_, nullptr);
    }
    return *this;
  }
  scoped_guard(const scoped_guard&) = delete;
  scoped_guard& operator=(const scoped_guard&) = delete;
  /// Releases what it holds. Never throws.
  ~scoped_guard() { reset(); }

  /// Whether it still holds the lock. Never throws.
  bool owns_lock() const noexcept { return lock_ != nullptr; }
  /// Releases early; harmless if it holds nothing. Never throws.
  void reset() noexcept {
    // A guard only releases what it acquired, so release() cannot find the lock unlocked (or a
    // bounded semaphore full): it does not throw here.
    if (Lockable* l = std::exchange(lock_, nullptr)) l->release();
  }

 private:
  Lockable* lock_;
};

/// A guard of a lock (see scoped_guard).
using lock_guard = scoped_guard<lock>;
/// A guard of one semaphore unit (see scoped_guard).
using semaphore_guard = scoped_guard<semaphore>;

/// A mutual-exclusion lock for tasks (not threads).
class lock {
 public:
  /// Whether some task holds the lock (Python's Lock.locked()). Never throws.
  bool locked() const noexcept { return locked_; }
  /// Waits for the lock (Python's Lock.acquire()). A free lock with no waiter is taken without
  /// suspending (so a pending cancellation is not delivered here). Throws cancelled_error;
  /// event_loop_error if it must
  /// wait outside a task (a coroutine resumed by a plain callback).
  /// **Cancel safety**: cancel-safe: a waiter cancelled in the queue leaves it without the lock;
  /// a waiter already handed the lock keeps it and returns normally (cancelled_error then comes
  /// at its next suspension point), so the lock is never lost.
  task<void> acquire();
  /// Releases the lock, handing it to the first waiter (Python's Lock.release()). Throws
  /// invalid_state_error if unlocked. Any task may release it, not only the holder.
  void release();
  /// Acquires the lock and returns a guard that releases it when destroyed (Python's
  /// `async with lock:`). Throws what acquire() throws.
  /// **Cancel safety**: as acquire(): a task cancelled while waiting gets no lock and no guard;
  /// once the lock is handed over the guard is always returned (nothing between the two can
  /// be cancelled), so the lock cannot leak.
  task<scoped_guard<lock>> scoped();

 private:
  detail::wait_list waiters_;
  bool locked_ = false;
};

/// A counter of available units (Python's asyncio.Semaphore).
class semaphore {
 public:
  /// `value` units are free at first (Python's Semaphore(value)). Never throws.
  explicit semaphore(std::size_t value = 1) noexcept : value_(value) {}
  /// True if no unit is free (Python's locked()). Never throws.
  bool locked() const noexcept { return value_ == 0; }
  /// Units free now. Never throws.
  std::size_t value() const noexcept { return value_; }
  /// Takes a unit, waiting while none is free or others wait first (Python's acquire()); does
  /// not suspend when a unit is free and nobody waits. Throws cancelled_error;
  /// event_loop_error if it must
  /// wait outside a task (a coroutine resumed by a plain callback).
  /// **Cancel safety**: as lock::acquire(): a cancelled waiter takes no unit; one handed a unit
  /// keeps it.
  task<void> acquire();
  /// Returns a unit, handing it to the first waiter (Python's release()). Never throws.
  void release();
  /// Takes a unit and returns a guard that returns it when destroyed (Python's
  /// `async with sem:`). Cancel safety as lock::scoped().
  task<scoped_guard<semaphore>> scoped();

 protected:
  detail::wait_list waiters_;
  std::size_t value_;
};

/// A semaphore whose release() above the initial value throws invalid_state_error (Python's
/// BoundedSemaphore raises ValueError).
class bounded_semaphore : public semaphore {
 public:
  /// `value` units, also the most release() may bring back. Never throws.
  explicit bounded_semaphore(std::size_t value = 1) noexcept : semaphore(value), max_(value) {}
  /// Returns a unit. Throws invalid_state_error if that would exceed the initial value.
  void release();

 private:
  std::size_t max_;
};

}  // namespace braid::asyncio
