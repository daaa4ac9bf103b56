#pragma once
/// \file
/// park_operation: a task waiting in a wait_list (the queue of a lock, event, semaphore or
/// queue). Waking it clears the task's wait, so a cancellation that arrives after the wake-up is
/// delivered at the next suspension point and what was handed over (a lock, an item) is kept.

#include <coroutine>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"

namespace braid::asyncio::detail {

class park_operation final : public wait_node, public waiter {
 public:
  park_operation(wait_list& list, bool ready) noexcept : list_(&list), ready_(ready) {}
  park_operation(const park_operation&) = delete;
  ~park_operation() {
    if (linked()) list_->erase(*this);
  }
  bool await_ready() const noexcept { return ready_; }
  /// Throws event_loop_error outside a task (nothing is registered then).
  bool await_suspend(std::coroutine_handle<> h);
  void await_resume() const;  // throws cancelled_error if cancelled while parked
  void wake() noexcept override { task_->wake(); }
  bool cancel() noexcept override {
    list_->erase(*this);
    cancelled_ = true;
    task_->wake();
    return true;
  }

 private:
  wait_list* list_;
  task_base* task_ = nullptr;
  bool ready_;
  bool cancelled_ = false;
};

}  // namespace braid::asyncio::detail
