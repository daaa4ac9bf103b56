#pragma once
/// \file
/// Process-shared synchronisation (Python's multiprocessing.Lock, RLock, Semaphore, Event,
/// Condition, Barrier). Each lives in its own shared-memory block (owned by the creator, which
/// unlinks its name on destruction) and travels to other processes as an argument, by name.
///
/// Every one is built on a robust mutex: if a process dies holding it, the next process to take
/// it gets it (made consistent) instead of deadlocking, and the death is reported as owner_died
/// through braid::threading's excepthook. A timeout of nullopt waits forever.
/// All methods are thread-safe and process-safe. Creating one throws braid::os_error if shared
/// memory is unavailable.

#include <chrono>
#include <cstddef>
#include <optional>

#include "braid/multiprocessing/detail/shared_object.hpp"

namespace braid::multiprocessing {

namespace detail {
struct mutex_state {
  explicit mutex_state(bool recursive) { init_mutex(&m, recursive); }
  pthread_mutex_t m;
};
struct semaphore_state {
  explicit semaphore_state(std::size_t v) : value(v) {
    init_mutex(&m, false);
    init_cond(&c);
  }
  pthread_mutex_t m;
  pthread_cond_t c;
  std::size_t value;
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

/// Holds any of lock, rlock, condition (anything with acquire() and release()) for a scope:
/// Python's `with lock:`.
template <class L>
class lock_guard {
 public:
  explicit lock_guard(L& l) : l_(l) { l_.acquire(); }
  ~lock_guard() { l_.release(); }
  lock_guard(const lock_guard&) = delete;
  lock_guard& operator=(const lock_guard&) = delete;

 private:
  L& l_;
};

/// A process-shared mutual-exclusion lock (Python's multiprocessing.Lock).
class lock : public detail::shared_object<detail::mutex_state> {
 public:
  lock() { create(0, false); }
  explicit lock(detail::empty_tag) {}
  /// Takes the lock; false if `blocking` is false or `timeout` passes first.
  bool acquire(bool blocking = true, std::optional<std::chrono::nanoseconds> timeout = {});
  void release();
};

/// A process-shared reentrant lock (Python's multiprocessing.RLock).
class rlock : public detail::shared_object<detail::mutex_state> {
 public:
  rlock() { create(0, true); }
  explicit rlock(detail::empty_tag) {}
  bool acquire(bool blocking = true, std::optional<std::chrono::nanoseconds> timeout = {});
  void release();
};

/// A process-shared counting semaphore (Python's multiprocessing.Semaphore).
class semaphore : public detail::shared_object<detail::semaphore_state> {
 public:
  explicit semaphore(std::size_t value = 1) { create(0, value); }
  explicit semaphore(detail::empty_tag) {}
  bool acquire(bool blocking = true, std::optional<std::chrono::nanoseconds> timeout = {});
  void release(std::size_t n = 1);
  std::size_t get_value() const;
};

/// A process-shared event flag (Python's multiprocessing.Event).
class event : public detail::shared_object<detail::event_state> {
 public:
  event() { create(0); }
  explicit event(detail::empty_tag) {}
  void set();
  void clear();
  bool is_set() const;
  /// Waits until the flag is set; returns it (false only on timeout).
  bool wait(std::optional<std::chrono::nanoseconds> timeout = {});
};

/// A process-shared condition variable with its own reentrant lock (Python's
/// multiprocessing.Condition()).
class condition : public detail::shared_object<detail::condition_state> {
 public:
  condition() { create(0); }
  explicit condition(detail::empty_tag) {}
  bool acquire(bool blocking = true, std::optional<std::chrono::nanoseconds> timeout = {});
  void release();
  /// Releases the lock, waits for a notify (or the timeout), takes the lock again. The lock
  /// must be held. Returns false on timeout. Wakes may be spurious: prefer wait_for.
  bool wait(std::optional<std::chrono::nanoseconds> timeout = {});
  /// Waits until `predicate()` is true; returns its last value.
  template <class P>
  bool wait_for(P predicate, std::optional<std::chrono::nanoseconds> timeout = {}) {
    const auto deadline = detail::deadline_after(timeout);
    bool ok = predicate();
    while (!ok) {
      if (!detail::wait_cond(&state_->c, &state_->m, deadline)) return predicate();
      ok = predicate();
    }
    return ok;
  }
  void notify(std::size_t n = 1);
  void notify_all();
};

/// A process-shared barrier (Python's multiprocessing.Barrier).
class barrier : public detail::shared_object<detail::barrier_state> {
 public:
  explicit barrier(std::size_t parties) { create(0, parties); }
  explicit barrier(detail::empty_tag) {}
  /// Waits for all parties; returns a distinct index in [0, parties). Throws
  /// broken_barrier_error if the barrier is or becomes broken (abort(), reset(), or a timeout,
  /// which breaks it for everyone, as in Python).
  std::size_t wait(std::optional<std::chrono::nanoseconds> timeout = {});
  void reset();
  void abort();
  bool broken() const;
  std::size_t parties() const noexcept { return state_->parties; }
  std::size_t n_waiting() const;
};

}  // namespace braid::multiprocessing
