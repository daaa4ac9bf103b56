#include "braid/asyncio/barrier.hpp"

#include <coroutine>

#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio {

// A task waiting at the barrier. The barrier fills in the outcome (passed with an index, or
// broken) before it wakes the task; a cancelled waiter leaves the queue and the count.
struct barrier::operation final : detail::wait_node, detail::waiter {
  explicit operation(barrier& b) noexcept : owner(&b) {}
  operation(const operation&) = delete;
  ~operation() { leave(); }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) {
    task = &detail::running_task_or_throw("barrier::wait");
    if (!task->suspend(*this, h)) {
      cancelled = true;
      return false;
    }
    owner->waiters_.push_back(*this);
    ++owner->waiting_;
    return true;
  }
  std::size_t await_resume() const {
    if (cancelled) throw cancelled_error();
    if (!passed) throw broken_barrier_error();
    return index;
  }
  void wake() noexcept override { task->wake(); }
  bool cancel() noexcept override {
    leave();
    cancelled = true;
    task->wake();
    return true;
  }
  void leave() noexcept {
    if (!linked()) return;
    owner->waiters_.erase(*this);
    --owner->waiting_;
  }

  barrier* owner;
  detail::task_base* task = nullptr;
  std::size_t index = 0;
  bool passed = false;
  bool cancelled = false;
};

barrier::barrier(std::size_t parties) : parties_(parties) {
  if (parties == 0) throw invalid_state_error("barrier: parties must be at least 1");
}

barrier::~barrier() {
  fail_all();
}

task<std::size_t> barrier::wait() {
  if (broken_) throw broken_barrier_error();
  if (waiting_ + 1 == parties_) {  // the last party: release everyone, in arrival order
    std::size_t index = 0;
    while (detail::wait_node* n = waiters_.pop_front()) {
      auto* op = static_cast<operation*>(n);
      op->index = index++;
      op->passed = true;
      op->wake();
    }
    waiting_ = 0;
    co_return parties_ - 1;
  }
  operation op(*this);
  const std::size_t index = co_await op;
  co_return index;
}

void barrier::fail_all() noexcept {
  waiting_ = 0;
  waiters_.wake_all();  // passed stays false: each waiter throws broken_barrier_error
}

void barrier::reset() noexcept {
  fail_all();
  broken_ = false;
}

void barrier::abort() noexcept {
  broken_ = true;
  fail_all();
}

}  // namespace braid::asyncio
