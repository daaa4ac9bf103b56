// The condition: an intrusive FIFO list of waiters, each parked on its own futex word, so
// notify(n) wakes exactly the n oldest waiters and a timed-out waiter leaves no stale signal.
#include "braid/threading/condition.hpp"

#include "braid/threading/detail/deadline.hpp"
#include "braid/threading/detail/futex.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {
namespace detail {

struct condition_waiter {
  futex_word signaled{0};
  condition_waiter* prev = nullptr;
  condition_waiter* next = nullptr;
};

}  // namespace detail

// The delegated constructor cannot throw, so the new rlock is owned before anything can fail.
condition::condition() : condition(*new rlock) {
  own_.reset(static_cast<rlock*>(lock_.object));
}

condition::condition(rlock& l) noexcept
    : lock_{&l,
            [](void* p) { return static_cast<rlock*>(p)->release_save(); },
            [](void* p, std::size_t n) { static_cast<rlock*>(p)->acquire_restore(n); },
            [](void* p) { static_cast<rlock*>(p)->acquire(); },
            [](void* p) { static_cast<rlock*>(p)->release(); },
            [](void* p) { return static_cast<rlock*>(p)->owned_by_current_thread(); },
            [](void* p, const std::chrono::nanoseconds* timeout) {
              auto* l = static_cast<rlock*>(p);
              return timeout == nullptr ? l->acquire(false) : l->acquire(*timeout);
            }} {}

condition::condition(lock_type& l) noexcept
    : lock_{&l,
            [](void* p) -> std::size_t {
              static_cast<lock_type*>(p)->release();
              return 1;
            },
            [](void* p, std::size_t) { static_cast<lock_type*>(p)->acquire(); },
            [](void* p) { static_cast<lock_type*>(p)->acquire(); },
            [](void* p) { static_cast<lock_type*>(p)->release(); },
            [](void* p) { return static_cast<lock_type*>(p)->locked(); },
            [](void* p, const std::chrono::nanoseconds* timeout) {
              auto* l = static_cast<lock_type*>(p);
              return timeout == nullptr ? l->acquire(false) : l->acquire(*timeout);
            }} {}

condition::~condition() = default;

void condition::throw_cannot_try(const char* what) {
  throw value_error(std::string("condition::") + what +
                    ": the condition's lock type cannot be acquired without blocking");
}

void condition::check_held(const char* what) const {
  if (lock_.is_held != nullptr && !lock_.is_held(lock_.object)) throw invalid_state_error(what);
}

void condition::wait() {
  wait_impl(nullptr);
}

bool condition::wait_for(std::chrono::nanoseconds timeout) {
  const auto deadline = detail::deadline_after(timeout);
  return wait_impl(&deadline);
}

bool condition::wait_until(std::chrono::steady_clock::time_point deadline) {
  return wait_impl(&deadline);
}

bool condition::wait_impl(const std::chrono::steady_clock::time_point* deadline) {
  check_held("wait on a condition whose lock is not held");
  detail::condition_waiter self;
  auto unlink = [this, &self] {
    (self.prev ? self.prev->next : head_) = self.next;
    (self.next ? self.next->prev : tail_) = self.prev;
  };
  {
    std::lock_guard<std::mutex> guard(waiters_mutex_);
    self.prev = tail_;
    (tail_ ? tail_->next : head_) = &self;
    tail_ = &self;
  }
  std::size_t saved = 0;
  try {
    saved = lock_.release_save(lock_.object);
  } catch (...) {
    std::lock_guard<std::mutex> guard(waiters_mutex_);
    unlink();
    throw;
  }
  while (self.signaled.load(std::memory_order_acquire) == 0) {
    if (deadline == nullptr) {
      detail::futex_wait(self.signaled, 0);
    } else if (!detail::futex_wait_until(self.signaled, 0, *deadline)) {
      break;
    }
  }
  bool notified = true;
  {
    // Always taken: a notifier wakes `self` under this mutex, so once we hold it nobody touches
    // `self` again and it may leave scope.
    std::lock_guard<std::mutex> guard(waiters_mutex_);
    if (self.signaled.load(std::memory_order_relaxed) == 0) {
      unlink();
      notified = false;
    }
  }
  lock_.acquire_restore(lock_.object, saved);
  return notified;
}

void condition::notify(std::size_t n) {
  check_held("notify on a condition whose lock is not held");
  std::lock_guard<std::mutex> guard(waiters_mutex_);
  while (n > 0 && head_ != nullptr) {
    detail::condition_waiter* w = head_;
    head_ = w->next;
    (head_ ? head_->prev : tail_) = nullptr;
    w->signaled.store(1, std::memory_order_release);
    detail::futex_wake(w->signaled, 1);
    --n;
  }
}

void condition::notify_all() {
  notify(static_cast<std::size_t>(-1));
}

}  // namespace braid::threading
