#pragma once
/// \file
/// braid::threading::rlock: a recursive lock (Python's threading.RLock).

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "braid/threading/lock.hpp"

namespace braid::threading {

class condition;

/// A recursive lock (Python's threading.RLock): the owning thread may acquire it again, and it is
/// free once released as many times as acquired. Only the owner may release it. Satisfies
/// Lockable and TimedLockable, so std::lock_guard / std::unique_lock work with it.
///
/// All member functions are thread-safe.
class rlock {
 public:
  /// An unowned rlock. Never throws.
  rlock() noexcept = default;
  rlock(const rlock&) = delete;
  rlock& operator=(const rlock&) = delete;
  ~rlock() = default;

  /// Acquires the lock (again, if the caller owns it), blocking if `blocking`; returns whether it
  /// was acquired. Never throws.
  bool acquire(bool blocking = true) noexcept;

  /// Acquires the lock, giving up after `timeout`; returns whether it was acquired. Never throws.
  bool acquire(std::chrono::nanoseconds timeout) noexcept;

  /// Releases one level of ownership. Throws invalid_state_error if the caller does not own the
  /// lock.
  void release();

  /// Whether the calling thread owns the lock. Never throws.
  [[nodiscard]] bool owned_by_current_thread() const noexcept;

  /// Whether any thread owns the lock (a snapshot). Never throws.
  [[nodiscard]] bool locked() const noexcept { return inner_.locked(); }

  /// Lockable: acquire(). Never throws.
  void lock() noexcept { acquire(); }
  /// Lockable: release(). Throws invalid_state_error if the caller does not own the lock.
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
  friend class condition;
  // For condition::wait: release every level, then restore them (Python's _release_save).
  std::size_t release_save();
  void acquire_restore(std::size_t count) noexcept;

  lock_type inner_;
  std::atomic<std::uint64_t> owner_{0};  // get_ident() of the owner, 0 when free
  std::size_t count_ = 0;                // touched only by the owner
};

}  // namespace braid::threading
