#pragma once
/// \file
/// Process-shared synchronisation (Python's multiprocessing.Lock, RLock, Semaphore, Event,
/// Condition, Barrier). Each lives in its own shared-memory block (owned by the creator, which
/// unlinks its name on destruction) and travels to other processes as an argument, by name.
///
/// Every one is built on a robust mutex: if a process dies holding it, the next process to take
/// it gets it (made consistent) instead of deadlocking, and the death is reported as owner_died
/// through braid::threading's excepthook. Timeouts are overloads taking std::chrono::nanoseconds,
/// shaped as braid::threading's (acquire(bool) / acquire(timeout), Lockable and TimedLockable).
/// All methods are thread-safe and process-safe. Creating one throws braid::os_error if shared
/// memory is unavailable.

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "braid/multiprocessing/detail/lockable.hpp"
#include "braid/multiprocessing/detail/shared_object.hpp"

namespace braid::multiprocessing {

namespace detail {
struct mutex_state {
  explicit mutex_state(bool recursive) { init_mutex(&m, recursive); }
  pthread_mutex_t m;
};
struct semaphore_state {
  semaphore_state(std::size_t v, std::size_t b) : value(v), bound(b) {
    init_mutex(&m, false);
    init_cond(&c);
  }
  pthread_mutex_t m;
  pthread_cond_t c;
  std::size_t value;
  std::size_t bound;  // release() past it is value_error
};
struct event_state {
  event_state() {
    init_mutex(&m, false);
    init_cond(&c);
  }
  pthread_mutex_t m;
  pthread_cond_t c;
  bool flag = false;
};
struct condition_state {
  condition_state() {
    init_mutex(&m, true);
    init_cond(&c);
  }
  pthread_mutex_t m;
  pthread_cond_t c;
};
struct barrier_state {
  explicit barrier_state(std::size_t n) : parties(n) {
    init_mutex(&m, false);
    init_cond(&c);
  }
  pthread_mutex_t m;
  pthread_cond_t c;
  std::size_t parties;
  std::size_t waiting = 0;
  std::size_t generation = 0;
  std::size_t reset_generation = static_cast<std::size_t>(-1);
  bool broken = false;
};
}  // namespace detail

/// Holds any of lock, rlock, condition, semaphore (anything with acquire() and release()) for a
/// scope: Python's `with lock:`. Throws what acquire() throws; std::lock_guard and
/// std::unique_lock work as well.
template <class L>
class lock_guard {
 public:
  /// Acquires `l`. Throws what l.acquire() throws.
  explicit lock_guard(L& l) : l_(l) { l_.acquire(); }
  /// Releases it.
  ~lock_guard() { l_.release(); }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  L& l_;
};

/// A process-shared, non-recursive lock (Python's multiprocessing.Lock).
///
/// Named lock_type, with `lock` an alias, for the reason braid::threading::lock_type gives: a
/// class named `lock` could not have the member lock() that std::unique_lock calls. Satisfies
/// Lockable and TimedLockable (std::lock_guard, std::unique_lock, std::scoped_lock work). Unlike
/// Python's (a semaphore), it is a mutex: only the thread holding it may release it.
class lock_type : public detail::shared_object<detail::mutex_state>,
                  public detail::timed_lockable<lock_type> {
 public:
  /// A new unlocked lock in its own shared-memory block. Throws os_error if shared memory is
  /// unavailable.
  lock_type() { create(0, false); }
  /// An empty lock, to be loaded from another process's.
  explicit lock_type(detail::empty_tag) {}

  /// Takes the lock, blocking until it is free if `blocking`; returns whether it was taken
  /// (always true when blocking). Throws invalid_state_error if blocking and the calling thread
  /// already holds it (Python would deadlock); os_error on a system failure.
  bool acquire(bool blocking = true);
  /// Takes the lock, giving up after `timeout` (zero or less: one try); returns whether it was
  /// taken. False at once if the calling thread already holds it. Throws os_error on a system
  /// failure.
  bool acquire(std::chrono::nanoseconds timeout);
  /// Releases the lock. Throws invalid_state_error if the calling thread does not hold it.
  void release();
};

/// Python's multiprocessing.Lock: see lock_type.
using lock = lock_type;

/// A process-shared reentrant lock (Python's multiprocessing.RLock): its owner may take it again,
/// and it is free once released as often as taken. Satisfies Lockable and TimedLockable.
class rlock : public detail::shared_object<detail::mutex_state>,
              public detail::timed_lockable<rlock> {
 public:
  /// A new unowned rlock in its own shared-memory block. Throws os_error if shared memory is
  /// unavailable.
  rlock() { create(0, true); }
  /// An empty rlock, to be loaded from another process's.
  explicit rlock(detail::empty_tag) {}

  /// Takes the lock (again, if the caller owns it), blocking if `blocking`; returns whether it
  /// was taken. Throws os_error on a system failure.
  bool acquire(bool blocking = true);
  /// Takes the lock, giving up after `timeout`; returns whether it was taken. Throws os_error on
  /// a system failure.
  bool acquire(std::chrono::nanoseconds timeout);
  /// Releases one level of ownership. Throws invalid_state_error if the calling thread does not
  /// own the lock.
  void release();
};

/// A process-shared counting semaphore (Python's multiprocessing.Semaphore). Satisfies Lockable
/// (lock() / unlock() / try_lock()), so std::lock_guard can hold one unit.
class semaphore : public detail::shared_object<detail::semaphore_state> {
 public:
  /// A new semaphore holding `value` units. Throws os_error if shared memory is unavailable.
  explicit semaphore(std::size_t value = 1) : semaphore(value, SIZE_MAX) {}
  /// An empty semaphore, to be loaded from another process's.
  explicit semaphore(detail::empty_tag) {}

  /// Takes one unit, blocking until one is available if `blocking`; returns whether it took
  /// one. Throws os_error on a system failure.
  bool acquire(bool blocking = true);
  /// Takes one unit, giving up after `timeout`; returns whether it took one. Throws os_error on
  /// a system failure.
  bool acquire(std::chrono::nanoseconds timeout);
  /// Gives back `n` units and wakes up to `n` waiters. Throws value_error, changing nothing, if
  /// the count would pass its bound (the initial value for bounded_semaphore).
  void release(std::size_t n = 1);
  /// The units available now, a snapshot (Python's get_value()).
  std::size_t get_value() const;

  /// Lockable: acquire().
  void lock() { acquire(); }
  /// Lockable: release(). Throws value_error as release() does.
  void unlock() { release(); }
  /// Lockable: acquire(false).
  bool try_lock() { return acquire(false); }

 protected:
  semaphore(std::size_t value, std::size_t bound) { create(0, value, bound); }
};

/// A semaphore whose release() throws value_error instead of raising the count above its
/// initial value (Python's multiprocessing.BoundedSemaphore).
class bounded_semaphore : public semaphore {
 public:
  /// A new bounded semaphore holding, and never more than, `value` units. Throws os_error if
  /// shared memory is unavailable.
  explicit bounded_semaphore(std::size_t value = 1) : semaphore(value, value) {}
  /// An empty bounded semaphore, to be loaded from another process's.
  explicit bounded_semaphore(detail::empty_tag tag) : semaphore(tag) {}
};

/// A process-shared event flag (Python's multiprocessing.Event).
class event : public detail::shared_object<detail::event_state> {
 public:
  /// A new, clear event. Throws os_error if shared memory is unavailable.
  event() { create(0); }
  /// An empty event, to be loaded from another process's.
  explicit event(detail::empty_tag) {}
  /// Sets the flag and wakes every waiter.
  void set();
  /// Clears the flag.
  void clear();
  /// Whether the flag is set (a snapshot).
  bool is_set() const;
  /// Waits until the flag is set (Python's wait()); returns true.
  bool wait();
  /// Waits until the flag is set or `timeout` passes; returns the flag (false only on timeout).
  bool wait(std::chrono::nanoseconds timeout);
};

/// A process-shared condition variable with its own reentrant lock (Python's
/// multiprocessing.Condition()). Satisfies Lockable and TimedLockable for that lock.
class condition : public detail::shared_object<detail::condition_state>,
                  public detail::timed_lockable<condition> {
 public:
  /// A new condition with its own rlock. Throws os_error if shared memory is unavailable.
  condition() { create(0); }
  /// An empty condition, to be loaded from another process's.
  explicit condition(detail::empty_tag) {}
  /// Takes the lock, as rlock::acquire(bool) does.
  bool acquire(bool blocking = true);
  /// Takes the lock, giving up after `timeout`, as rlock::acquire(timeout) does.
  bool acquire(std::chrono::nanoseconds timeout);
  /// Releases one level of the lock. Throws invalid_state_error if the calling thread does not
  /// own it.
  void release();

  /// Releases the lock, waits for a notify, takes the lock again (Python's wait()). The lock
  /// must be held (once): throws invalid_state_error if it is not. Wakes may be spurious: prefer
  /// wait_for(predicate).
  void wait();
  /// As wait(), giving up after `timeout` (Python's wait(timeout)); false on timeout. The lock is
  /// held again either way.
  bool wait_for(std::chrono::nanoseconds timeout);
  /// As wait(), giving up at `deadline`; false on timeout.
  bool wait_until(std::chrono::steady_clock::time_point deadline);
  /// Waits until `predicate()` is true (Python's wait_for(predicate)); the predicate runs with
  /// the lock held. Throws what it throws, and invalid_state_error as wait() does.
  template <std::predicate P>
  void wait_for(P predicate) {
    while (!static_cast<bool>(predicate())) wait();
  }
  /// Waits until `predicate()` is true or `timeout` passes; returns its last value (Python's
  /// wait_for(predicate, timeout)). Throws as wait_for(predicate) does.
  template <std::predicate P>
  bool wait_for(P predicate, std::chrono::nanoseconds timeout) {
    const auto deadline = braid::detail::deadline_after(timeout);
    bool ok = static_cast<bool>(predicate());
    while (!ok) {
      if (!wait_until(deadline)) return static_cast<bool>(predicate());
      ok = static_cast<bool>(predicate());
    }
    return ok;
  }
  /// Wakes up to `n` waiters. Throws invalid_state_error if the lock is not held.
  void notify(std::size_t n = 1);
  /// Wakes every waiter. Throws invalid_state_error if the lock is not held.
  void notify_all();
};

/// A process-shared barrier (Python's multiprocessing.Barrier).
class barrier : public detail::shared_object<detail::barrier_state> {
 public:
  /// A new barrier for `parties` processes or threads. Throws os_error if shared memory is
  /// unavailable.
  explicit barrier(std::size_t parties) { create(0, parties); }
  /// An empty barrier, to be loaded from another process's.
  explicit barrier(detail::empty_tag) {}
  /// Waits for all parties; returns a distinct index in [0, parties). Throws
  /// broken_barrier_error if the barrier is or becomes broken (abort() or reset()).
  std::size_t wait();
  /// As wait(), giving up after `timeout`, which breaks the barrier for everyone (as in Python)
  /// and throws broken_barrier_error.
  std::size_t wait(std::chrono::nanoseconds timeout);
  /// Returns the barrier to its empty state; current waiters get broken_barrier_error.
  void reset();
  /// Breaks the barrier: current and future waits throw broken_barrier_error until reset().
  void abort();
  /// Whether the barrier is broken.
  bool broken() const;
  /// The number of parties it waits for.
  std::size_t parties() const noexcept { return state_->parties; }
  /// How many are waiting now (a snapshot).
  std::size_t n_waiting() const;

 private:
  std::size_t wait_impl(detail::deadline_type deadline);
};

}  // namespace braid::multiprocessing
