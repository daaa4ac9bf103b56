#pragma once
/// \file
/// The standard Lockable / TimedLockable members (lock, unlock, try_lock, try_lock_for,
/// try_lock_until) of a multiprocessing lock, spelled as braid::threading's, written once in
/// terms of its acquire(bool), acquire(std::chrono::nanoseconds) and release().

#include <chrono>

namespace braid::multiprocessing::detail {

template <class Derived>
class timed_lockable {
 public:
  /// Lockable: acquire(). Throws what acquire() throws.
  void lock() { self().acquire(); }
  /// Lockable: release(). Throws invalid_state_error if the caller does not hold the lock.
  void unlock() { self().release(); }
  /// Lockable: acquire(false). Throws what acquire(false) throws.
  bool try_lock() { return self().acquire(false); }
  /// TimedLockable: acquire(timeout), the timeout rounded up to nanoseconds.
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) {
    return self().acquire(std::chrono::ceil<std::chrono::nanoseconds>(timeout));
  }
  /// TimedLockable: acquire until `deadline` of any clock.
  template <class Clock, class Duration>
  bool try_lock_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    return self().acquire(std::chrono::ceil<std::chrono::nanoseconds>(deadline - Clock::now()));
  }

 protected:
  timed_lockable() = default;

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
};

}  // namespace braid::multiprocessing::detail
