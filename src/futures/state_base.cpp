// The type-independent half of a future's shared state (see detail/state_base.hpp).
#include "braid/futures/detail/state_base.hpp"

#include <thread>

#include "braid/futures/errors.hpp"
#include "braid/threading/detail/futex.hpp"
#include "detail/spin.hpp"

namespace braid::futures::detail {
namespace {

using threading::detail::cpu_relax;
using threading::detail::futex_word;

// A thread blocked in wait(): notified by storing 1 into its word and waking it.
class thread_waiter final : public completion_node {
 public:
  void notify() noexcept override {
    word_.store(1, std::memory_order_release);
    threading::detail::futex_wake(word_, 1);
  }
  bool notified() const noexcept { return word_.load(std::memory_order_acquire) != 0; }
  void wait() noexcept {
    while (!notified()) threading::detail::futex_wait(word_, 0);
  }
  bool wait_until(std::chrono::steady_clock::time_point deadline) noexcept {
    while (!notified()) {
      if (!threading::detail::futex_wait_until(word_, 0, deadline)) return notified();
    }
    return true;
  }

 private:
  futex_word word_{0};
};

}  // namespace

void state_base::lock() const noexcept {
  // Held for a handful of instructions; yield only if the holder was preempted.
  for (int spins = 0; locked_.exchange(true, std::memory_order_acquire); ++spins) {
    while (locked_.load(std::memory_order_relaxed)) {
      if (spins++ < 128) {
        cpu_relax();
      } else {
        std::this_thread::yield();
      }
    }
  }
}

bool state_base::cancel() noexcept {
  lock();
  // A CAS, not a store: set_running_or_notify_cancel() moves pending -> running without the lock.
  status expected = status::pending;
  if (!status_.compare_exchange_strong(expected, status::cancelled, std::memory_order_acq_rel)) {
    unlock();
    return expected == status::cancelled;
  }
  notify_all(detach_locked());
  return true;
}

bool state_base::set_running_or_notify_cancel() {
  status expected = status::pending;
  if (status_.compare_exchange_strong(expected, status::running, std::memory_order_acq_rel)) {
    return true;
  }
  if (expected == status::cancelled) return false;
  throw invalid_state_error("set_running_or_notify_cancel: the future already started");
}

bool state_base::try_claim() noexcept {
  status s = status_.load(std::memory_order_relaxed);
  while (s == status::pending || s == status::running) {
    if (status_.compare_exchange_weak(s, status::completing, std::memory_order_acquire)) {
      return true;
    }
  }
  return false;
}

bool state_base::try_fail(std::exception_ptr error) noexcept {
  if (!try_claim()) return false;
  publish(std::move(error));
  return true;
}

void state_base::publish(std::exception_ptr error) noexcept {
  error_ = std::move(error);
  lock();
  // Only the claimer gets here (status is completing), so a plain store is enough; doing it under
  // the lock makes "done" and "list detached" one step for add_node/remove_node.
  status_.store(status::finished, std::memory_order_release);
  notify_all(detach_locked());
}

completion_node* state_base::detach_locked() noexcept {
  completion_node* list = std::exchange(head_, nullptr);
  tail_ = nullptr;
  unlock();
  return list;
}

void state_base::notify_all(completion_node* node) noexcept {
  while (node != nullptr) {
    completion_node* next = node->next_;  // read first: notify() may free the node
    node->notify();
    node = next;
  }
}

bool state_base::add_node(completion_node& node) noexcept {
  lock();
  if (done()) {
    unlock();
    return false;
  }
  node.next_ = nullptr;
  node.prev_ = tail_;
  if (tail_ != nullptr) {
    tail_->next_ = &node;
  } else {
    head_ = &node;
  }
  tail_ = &node;
  unlock();
  return true;
}

bool state_base::remove_node(completion_node& node) noexcept {
  lock();
  if (done()) {  // completion detached the whole list under this lock
    unlock();
    return false;
  }
  (node.prev_ != nullptr ? node.prev_->next_ : head_) = node.next_;
  (node.next_ != nullptr ? node.next_->prev_ : tail_) = node.prev_;
  node.prev_ = node.next_ = nullptr;
  unlock();
  return true;
}

void state_base::wait() const noexcept {
  if (helper_ != nullptr && !done()) helper_->help(const_cast<state_base&>(*this), nullptr);
  if (spin_until_done(*this)) return;
  thread_waiter waiter;
  auto& self = const_cast<state_base&>(*this);  // linking a waiter does not change the value
  if (!self.add_node(waiter)) return;
  waiter.wait();
}

bool state_base::wait_until(std::chrono::steady_clock::time_point deadline) const noexcept {
  if (helper_ != nullptr && !done()) helper_->help(const_cast<state_base&>(*this), &deadline);
  if (spin_until_done(*this)) return true;
  thread_waiter waiter;
  auto& self = const_cast<state_base&>(*this);
  if (!self.add_node(waiter)) return true;
  if (waiter.wait_until(deadline)) return true;
  if (self.remove_node(waiter)) return false;
  waiter.wait();  // completion took the node concurrently: its notify() is imminent
  return true;
}

}  // namespace braid::futures::detail
