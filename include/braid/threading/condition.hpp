#pragma once
/// \file
/// braid::threading::condition: a condition variable bound to a lock (Python's
/// threading.Condition).

#include <chrono>
#include <concepts>
#include <cstddef>
#include <memory>
#include <mutex>
#include <type_traits>

#include "braid/detail/deadline.hpp"
#include "braid/threading/lock.hpp"
#include "braid/threading/rlock.hpp"

namespace braid::threading {

namespace detail {
struct condition_waiter;
}

/// A condition variable bound to one lock (Python's threading.Condition).
///
/// The lock is an rlock the condition owns, or one the caller passes: a `lock`, an `rlock`, or
/// any BasicLockable (std::mutex, ...). The condition is itself Lockable (acquire()/release(),
/// lock()/unlock()), so `std::unique_lock guard(cond);` holds its lock.
///
/// wait*() must be called with the lock held: they release it fully (every level of an rlock),
/// wait, and re-acquire it before returning. notify(n) wakes exactly the n longest-waiting
/// threads. Waits are not spurious: wait_for(timeout) returns true only when notified.
///
/// All member functions are thread-safe. With a `lock` or `rlock`, calling wait*() or notify*()
/// without holding it throws invalid_state_error (for a `lock`, "held" means "held by some thread",
/// as in Python); with another lock type the call is not checked and is undefined behaviour.
class condition {
 public:
  /// A condition with its own rlock. Throws std::bad_alloc.
  condition();
  /// A condition using `l`, which must outlive it. Never throws.
  explicit condition(lock_type& l) noexcept;
  /// A condition using `l`, which must outlive it. Never throws.
  explicit condition(rlock& l) noexcept;
  /// A condition using any BasicLockable `l`, which must outlive it. Never throws.
  template <class BasicLockable>
  requires(!std::same_as<BasicLockable, lock_type> && !std::same_as<BasicLockable, rlock> &&
           !std::same_as<BasicLockable, condition>) explicit condition(BasicLockable& l) noexcept
      : lock_{&l,
              [](void* p) -> std::size_t {
                static_cast<BasicLockable*>(p)->unlock();
                return 1;
              },
              [](void* p, std::size_t) { static_cast<BasicLockable*>(p)->lock(); },
              [](void* p) { static_cast<BasicLockable*>(p)->lock(); },
              [](void* p) { static_cast<BasicLockable*>(p)->unlock(); },
              nullptr,
              [](void* p, const std::chrono::nanoseconds* timeout) -> bool {
                auto& l = *static_cast<BasicLockable*>(p);
                if (timeout == nullptr) {
                  if constexpr (requires { bool(l.try_lock()); }) {
                    return l.try_lock();
                  } else {
                    throw_cannot_try("acquire(false)");
                  }
                } else {
                  if constexpr (requires { bool(l.try_lock_for(*timeout)); }) {
                    return l.try_lock_for(*timeout);
                  } else {
                    throw_cannot_try("acquire(timeout)");
                  }
                }
              }} {}
  condition(const condition&) = delete;
  condition& operator=(const condition&) = delete;
  /// Precondition: no thread is waiting.
  ~condition();

  /// Acquires the underlying lock. Throws what the lock throws (lock and rlock never do).
  void acquire() { lock_.acquire(lock_.object); }
  /// Acquires the underlying lock; with `blocking` false, only if it is free at once (Python's
  /// acquire(blocking=False)). Returns whether it was acquired. Throws value_error if the lock
  /// type has no try_lock(); never throws for lock and rlock.
  bool acquire(bool blocking) {
    if (blocking) {
      acquire();
      return true;
    }
    return lock_.try_acquire(lock_.object, nullptr);
  }
  /// Acquires the underlying lock, giving up after `timeout` (Python's acquire(timeout=...));
  /// returns whether it was acquired. Throws value_error if the lock type has no try_lock_for();
  /// never throws for lock and rlock.
  bool acquire(std::chrono::nanoseconds timeout) {
    return lock_.try_acquire(lock_.object, &timeout);
  }
  /// Lockable: acquire(false).
  bool try_lock() { return acquire(false); }
  /// Releases the underlying lock. Throws what the lock's release throws (invalid_state_error for
  /// lock and rlock when not held).
  void release() { lock_.release(lock_.object); }
  /// BasicLockable: acquire().
  void lock() { acquire(); }
  /// BasicLockable: release().
  void unlock() { release(); }

  /// Releases the lock, waits until notified, re-acquires the lock. Throws invalid_state_error if
  /// the lock is not held (lock/rlock only).
  void wait();

  /// As wait(), giving up after `timeout`; returns true if notified, false on timeout. The lock is
  /// re-acquired either way. Throws invalid_state_error if the lock is not held (lock/rlock only).
  bool wait_for(std::chrono::nanoseconds timeout);

  /// As wait(), giving up at `deadline`; returns true if notified.
  bool wait_until(std::chrono::steady_clock::time_point deadline);

  /// Waits until `predicate()` is true (Python's wait_for(predicate)). The predicate runs with
  /// the lock held. Throws what the predicate throws, and invalid_state_error as wait() does.
  template <std::predicate Predicate>
  void wait_for(Predicate predicate) {
    while (!static_cast<bool>(predicate())) wait();
  }

  /// Waits until `predicate()` is true or `timeout` passes; returns the predicate's last value
  /// (Python's wait_for(predicate, timeout)). Throws what the predicate throws, and
  /// invalid_state_error as wait() does.
  template <std::predicate Predicate>
  bool wait_for(Predicate predicate, std::chrono::nanoseconds timeout) {
    const auto deadline = braid::detail::deadline_after(timeout);
    bool result = static_cast<bool>(predicate());
    while (!result) {
      if (std::chrono::steady_clock::now() >= deadline) break;
      wait_until(deadline);
      result = static_cast<bool>(predicate());
    }
    return result;
  }

  /// Wakes up to `n` waiting threads, longest-waiting first. Throws invalid_state_error if the lock
  /// is not held (lock/rlock only).
  void notify(std::size_t n = 1);

  /// Wakes every waiting thread. Throws invalid_state_error as notify does.
  void notify_all();

 private:
  // The lock, type-erased; release_save/acquire_restore release and restore every level.
  struct lock_ref {
    void* object;
    std::size_t (*release_save)(void*);
    void (*acquire_restore)(void*, std::size_t);
    void (*acquire)(void*);
    void (*release)(void*);
    bool (*is_held)(void*);                                               // null: cannot tell
    bool (*try_acquire)(void*, const std::chrono::nanoseconds* timeout);  // null: don't block
  };

  [[noreturn]] static void throw_cannot_try(const char* what);

  bool wait_impl(const std::chrono::steady_clock::time_point* deadline);
  void check_held(const char* what) const;

  std::unique_ptr<rlock> own_;
  lock_ref lock_;
  std::mutex waiters_mutex_;  // guards the intrusive list of waiters below
  detail::condition_waiter* head_ = nullptr;
  detail::condition_waiter* tail_ = nullptr;
};

}  // namespace braid::threading
