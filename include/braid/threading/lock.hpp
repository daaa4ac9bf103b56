#pragma once
/// \file
/// braid::threading::lock: a non-recursive lock (Python's threading.Lock).
///
/// The class is named lock_type and `lock` is an alias of it, as in Python, where threading.Lock
/// returns an instance of _thread.LockType. The reason is C++'s: a class named `lock` could not
/// have the member function lock() that std::lock_guard and std::unique_lock call, because that
/// name would declare a constructor.

#include <chrono>

#include "braid/threading/detail/futex.hpp"

namespace braid::threading {

/// A non-recursive lock built on the futex (Python's threading.Lock).
///
/// Like Python's Lock and unlike std::mutex, a lock is not owned: any thread may release it,
/// which makes it usable as a one-shot signal. Acquiring it twice from the same thread without a
/// release deadlocks (use rlock for that). Satisfies the standard Lockable and TimedLockable
/// requirements, so std::lock_guard, std::unique_lock and std::scoped_lock work with it.
///
/// All member functions are thread-safe. Blocking calls are not cancellation points.
class lock_type {
 public:
  /// An unlocked lock. Never throws.
  lock_type() noexcept = default;
  lock_type(const lock_type&) = delete;
  lock_type& operator=(const lock_type&) = delete;
  ~lock_type() = default;

  /// Acquires the lock, blocking until it is free if `blocking`; returns whether it was
  /// acquired (always true when blocking). Never throws.
  bool acquire(bool blocking = true) noexcept;

  /// Acquires the lock, giving up after `timeout`; returns whether it was acquired. A timeout
  /// of zero or less only tries once. Never throws.
  bool acquire(std::chrono::nanoseconds timeout) noexcept;

  /// Releases the lock; any thread may release it. Throws invalid_state_error if it is not locked.
  void release();

  /// Whether the lock is held by some thread (a snapshot). Never throws.
  [[nodiscard]] bool locked() const noexcept { return state_.load(std::memory_order_relaxed) != 0; }

  /// Lockable: acquire(). Never throws.
  void lock() noexcept { acquire(); }
  /// Lockable: release(). Throws invalid_state_error if not locked.
  void unlock() { release(); }
  /// Lockable: acquire(false). Never throws.
  bool try_lock() noexcept { return acquire(false); }
  /// TimedLockable: acquire(timeout). Never throws.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) noexcept {
    return acquire(std::chrono::ceil<std::chrono::nanoseconds>(timeout));
  }
  /// TimedLockable: acquire until `deadline` of any clock. Never throws.
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) noexcept {
    return acquire(std::chrono::ceil<std::chrono::nanoseconds>(deadline - Clock::now()));
  }

 private:
  bool acquire_contended(const std::chrono::steady_clock::time_point* deadline) noexcept;

  // 0 unlocked, 1 locked, 2 locked and some thread may be parked on the futex.
  detail::futex_word state_{0};
};

/// Python's threading.Lock: see lock_type.
using lock = lock_type;

}  // namespace braid::threading
