#include "braid/multiprocessing/synchronize.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "braid/error.hpp"
#include "braid/futures/errors.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "braid/threading/current_thread.hpp"

namespace braid::multiprocessing {
namespace detail {
namespace {

// Whether the calling thread holds `m` (glibc keeps the owner's thread id in robust mutexes).
bool held_by_me(const pthread_mutex_t* m) {
  return (static_cast<unsigned>(m->__data.__owner) & 0x3fffffffu) ==
         static_cast<unsigned>(::gettid());
}

timespec to_monotonic(std::chrono::steady_clock::time_point t) {
  // steady_clock is CLOCK_MONOTONIC on Linux.
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns.count() % 1'000'000'000);
  return ts;
}

void check(int rc, const char* what) {
  if (rc != 0) throw os_error(rc, what);
}

void recover(pthread_mutex_t* m) {
  ::pthread_mutex_consistent(m);
  threading::report_unhandled(
      std::make_exception_ptr(owner_died(
          "a process died holding a braid::multiprocessing lock; it was made consistent and "
          "taken over, but the data it protected may be half-updated")),
      "multiprocessing lock");
}

}  // namespace

void init_mutex(pthread_mutex_t* m, bool recursive) {
  pthread_mutexattr_t a;
  ::pthread_mutexattr_init(&a);
  ::pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  ::pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  ::pthread_mutexattr_settype(&a, recursive ? PTHREAD_MUTEX_RECURSIVE : PTHREAD_MUTEX_ERRORCHECK);
  const int rc = ::pthread_mutex_init(m, &a);
  ::pthread_mutexattr_destroy(&a);
  check(rc, "braid: pthread_mutex_init");
}

bool lock_mutex(pthread_mutex_t* m, deadline_type deadline) {
  int rc;
  if (deadline) {
    const timespec ts = to_monotonic(*deadline);
    rc = ::pthread_mutex_clocklock(m, CLOCK_MONOTONIC, &ts);
  } else {
    rc = ::pthread_mutex_lock(m);
  }
  if (rc == EOWNERDEAD) {
    recover(m);
    return true;
  }
  if (rc == ETIMEDOUT) return false;
  if (rc == EDEADLK) {
    // Only this thread could release it, and it is here: a timed wait can only time out.
    if (deadline) return false;
    throw futures::invalid_state_error("lock: already held by this thread");
  }
  check(rc, "braid: pthread_mutex_lock");
  return true;
}

bool try_lock_mutex(pthread_mutex_t* m) {
  const int rc = ::pthread_mutex_trylock(m);
  if (rc == EOWNERDEAD) {
    recover(m);
    return true;
  }
  if (rc == EBUSY || rc == EDEADLK) return false;
  check(rc, "braid: pthread_mutex_trylock");
  return true;
}

void unlock_mutex(pthread_mutex_t* m) {
  // Robust mutexes keep their owner's thread id (glibc); checking it first keeps an unlock by a
  // non-owner a clean error rather than undefined behaviour for sanitizers.
  if (!held_by_me(m)) {
    throw futures::invalid_state_error("release of a lock this thread does not hold");
  }
  const int rc = ::pthread_mutex_unlock(m);
  if (rc == EPERM)
    throw futures::invalid_state_error("release of a lock this thread does not hold");
  check(rc, "braid: pthread_mutex_unlock");
}

void init_cond(pthread_cond_t* c) {
  pthread_condattr_t a;
  ::pthread_condattr_init(&a);
  ::pthread_condattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  ::pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  const int rc = ::pthread_cond_init(c, &a);
  ::pthread_condattr_destroy(&a);
  check(rc, "braid: pthread_cond_init");
}

bool wait_cond(pthread_cond_t* c, pthread_mutex_t* m, deadline_type deadline) {
  int rc;
  if (deadline) {
    const timespec ts = to_monotonic(*deadline);
    rc = ::pthread_cond_clockwait(c, m, CLOCK_MONOTONIC, &ts);
  } else {
    rc = ::pthread_cond_wait(c, m);
  }
  if (rc == EOWNERDEAD) {
    recover(m);
    return true;
  }
  return rc != ETIMEDOUT;
}

}  // namespace detail

namespace {
bool acquire_mutex(pthread_mutex_t* m, bool blocking) {
  if (!blocking) return detail::try_lock_mutex(m);
  return detail::lock_mutex(m, std::nullopt);
}
bool acquire_mutex(pthread_mutex_t* m, std::chrono::nanoseconds timeout) {
  return detail::lock_mutex(m, braid::detail::deadline_after(timeout));
}
void check_held(const pthread_mutex_t* m, const char* what) {
  if (!detail::held_by_me(m)) throw invalid_state_error(what);
}
}  // namespace

bool lock_type::acquire(bool blocking) {
  return acquire_mutex(&state_->m, blocking);
}
bool lock_type::acquire(std::chrono::nanoseconds timeout) {
  return acquire_mutex(&state_->m, timeout);
}
void lock_type::release() {
  detail::unlock_mutex(&state_->m);
}

bool rlock::acquire(bool blocking) {
  return acquire_mutex(&state_->m, blocking);
}
bool rlock::acquire(std::chrono::nanoseconds timeout) {
  return acquire_mutex(&state_->m, timeout);
}
void rlock::release() {
  detail::unlock_mutex(&state_->m);
}

namespace {
bool take_unit(detail::semaphore_state* s, bool blocking, detail::deadline_type deadline) {
  if (!detail::lock_mutex(&s->m, deadline)) return false;
  bool ok = true;
  while (s->value == 0) {
    if (!blocking || !detail::wait_cond(&s->c, &s->m, deadline)) {
      ok = s->value > 0;
      break;
    }
  }
  if (ok) --s->value;
  detail::unlock_mutex(&s->m);
  return ok;
}
}  // namespace

bool semaphore::acquire(bool blocking) {
  return take_unit(state_, blocking, std::nullopt);
}
bool semaphore::acquire(std::chrono::nanoseconds timeout) {
  return take_unit(state_, true, braid::detail::deadline_after(timeout));
}

void semaphore::release(std::size_t n) {
  detail::mutex_guard g(&state_->m);
  if (n > state_->bound - state_->value) {
    throw value_error("semaphore released too many times");
  }
  state_->value += n;
  for (std::size_t i = 0; i < n; ++i) ::pthread_cond_signal(&state_->c);
}

std::size_t semaphore::get_value() const {
  detail::mutex_guard g(&state_->m);
  return state_->value;
}

void event::set() {
  detail::mutex_guard g(&state_->m);
  state_->flag = true;
  ::pthread_cond_broadcast(&state_->c);
}

void event::clear() {
  detail::mutex_guard g(&state_->m);
  state_->flag = false;
}

bool event::is_set() const {
  detail::mutex_guard g(&state_->m);
  return state_->flag;
}

namespace {
bool wait_flag(detail::event_state* s, detail::deadline_type deadline) {
  detail::mutex_guard g(&s->m);
  while (!s->flag) {
    if (!detail::wait_cond(&s->c, &s->m, deadline)) break;
  }
  return s->flag;
}
}  // namespace

bool event::wait() {
  return wait_flag(state_, std::nullopt);
}
bool event::wait(std::chrono::nanoseconds timeout) {
  return wait_flag(state_, braid::detail::deadline_after(timeout));
}

bool condition::acquire(bool blocking) {
  return acquire_mutex(&state_->m, blocking);
}
bool condition::acquire(std::chrono::nanoseconds timeout) {
  return acquire_mutex(&state_->m, timeout);
}
void condition::release() {
  detail::unlock_mutex(&state_->m);
}
void condition::wait() {
  check_held(&state_->m, "condition: wait() without holding its lock");
  detail::wait_cond(&state_->c, &state_->m, std::nullopt);
}
bool condition::wait_for(std::chrono::nanoseconds timeout) {
  return wait_until(braid::detail::deadline_after(timeout));
}
bool condition::wait_until(std::chrono::steady_clock::time_point deadline) {
  check_held(&state_->m, "condition: wait() without holding its lock");
  return detail::wait_cond(&state_->c, &state_->m, deadline);
}
void condition::notify(std::size_t n) {
  check_held(&state_->m, "condition: notify() without holding its lock");
  for (std::size_t i = 0; i < n; ++i) ::pthread_cond_signal(&state_->c);
}
void condition::notify_all() {
  check_held(&state_->m, "condition: notify_all() without holding its lock");
  ::pthread_cond_broadcast(&state_->c);
}

std::size_t barrier::wait() {
  return wait_impl(std::nullopt);
}
std::size_t barrier::wait(std::chrono::nanoseconds timeout) {
  return wait_impl(braid::detail::deadline_after(timeout));
}

std::size_t barrier::wait_impl(detail::deadline_type deadline) {
  detail::mutex_guard g(&state_->m);
  if (state_->broken) throw broken_barrier_error("the barrier is broken");
  const std::size_t index = state_->waiting++;
  const std::size_t generation = state_->generation;
  if (state_->waiting == state_->parties) {
    state_->waiting = 0;
    ++state_->generation;
    ::pthread_cond_broadcast(&state_->c);
    return index;
  }
  while (state_->generation == generation && !state_->broken) {
    if (!detail::wait_cond(&state_->c, &state_->m, deadline)) {
      state_->broken = true;  // a timeout breaks the barrier for everyone, as in Python
      ::pthread_cond_broadcast(&state_->c);
      break;
    }
  }
  if (state_->generation == generation) {
    if (state_->waiting > 0) --state_->waiting;
    throw broken_barrier_error("the barrier was broken while waiting");
  }
  if (state_->reset_generation == generation) {
    throw broken_barrier_error("the barrier was reset while waiting");
  }
  return index;
}

void barrier::reset() {
  detail::mutex_guard g(&state_->m);
  state_->reset_generation = state_->generation;  // its waiters get broken_barrier_error
  ++state_->generation;
  state_->broken = false;
  state_->waiting = 0;
  ::pthread_cond_broadcast(&state_->c);
}

void barrier::abort() {
  detail::mutex_guard g(&state_->m);
  state_->broken = true;
  ::pthread_cond_broadcast(&state_->c);
}

bool barrier::broken() const {
  detail::mutex_guard g(&state_->m);
  return state_->broken;
}

std::size_t barrier::n_waiting() const {
  detail::mutex_guard g(&state_->m);
  return state_->waiting;
}

}  // namespace braid::multiprocessing
