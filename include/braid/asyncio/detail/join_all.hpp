#pragma once
/// \file
/// Waiting for several tasks at once: the engine of gather(), wait() and as_completed().

#include <coroutine>
#include <cstddef>
#include <memory>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"

namespace braid::asyncio::detail {

enum class join_mode {
  fail_fast,        // gather: the first failure cancels the others; wait for all
  settle,           // gather(return_exceptions): wait for all
  first_completed,  // wait(): stop at the first finished task
  first_exception,  // wait(): stop at the first failed task, or when all finished
  all_completed,    // wait(): stop when all finished
};

/// Awaits `tasks` according to `mode`. In the gather modes, cancelling the awaiting task
/// cancels every task and keeps waiting for all of them, then throws cancelled_error; in the
/// wait modes it stops waiting at once and throws cancelled_error (the tasks run on).
/// An optional deadline (wait modes) ends the wait early without an error.
class join_all_operation final : public waiter, public timer_node {
 public:
  join_all_operation(std::vector<task_base*> tasks, join_mode mode, bool has_deadline = false,
                     time_point deadline = {});
  ~join_all_operation();
  join_all_operation(const join_all_operation&) = delete;

  bool await_ready() noexcept;
  bool await_suspend(std::coroutine_handle<> h);  // event_loop_error outside a task
  /// Returns the index of the first task that failed (gather modes), or npos.
  std::size_t await_resume();
  bool cancel() noexcept override;
  void fire() noexcept override;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

 private:
  struct node final : wait_node {
    join_all_operation* op = nullptr;
    std::size_t index = 0;
    void wake() noexcept override { op->on_done(index); }
  };
  void on_done(std::size_t index) noexcept;
  bool satisfied() const noexcept;
  void finish() noexcept;
  void unlink_all() noexcept;

  std::vector<task_base*> tasks_;
  std::unique_ptr<node[]> nodes_;
  task_base* self_ = nullptr;
  std::size_t remaining_ = 0;
  std::size_t first_failure_ = npos;
  join_mode mode_;
  bool has_deadline_;
  bool suspended_ = false;
  bool cancelled_ = false;
  bool woken_ = false;
  bool cancel_seen_ = false;
};

/// The order in which a fixed set of tasks finish, for as_completed: one node per task, linked
/// once, and a FIFO of indices that finishing tasks append to, so taking all n costs O(n) in
/// total (re-linking every pending task per take would be O(n) each). Tasks already done come
/// first, in input order. Loop-thread only; not copyable or movable (the nodes point here).
class completion_queue final : public waiter {
 public:
  explicit completion_queue(std::vector<task_base*> tasks);
  ~completion_queue();
  completion_queue(const completion_queue&) = delete;
  completion_queue& operator=(const completion_queue&) = delete;

  /// Tasks not taken yet.
  std::size_t remaining() const noexcept { return tasks_.size() - taken_; }

  /// The awaitable of take(): the index of the next task to finish (in finishing order).
  /// Cancelling the awaiting task stops the wait (cancelled_error) and takes nothing.
  class take_operation {
   public:
    explicit take_operation(completion_queue& q) noexcept : q_(&q) {}
    bool await_ready() const noexcept { return q_->taken_ < q_->order_.size(); }
    bool await_suspend(std::coroutine_handle<> h);  // event_loop_error outside a task
    std::size_t await_resume();

   private:
    completion_queue* q_;
  };
  /// Throws invalid_state_error (from await_resume) if every task was taken.
  take_operation take() noexcept { return take_operation(*this); }

  bool cancel() noexcept override;

 private:
  struct node final : wait_node {
    completion_queue* q = nullptr;
    std::size_t index = 0;
    void wake() noexcept override { q->on_done(index); }
  };
  void on_done(std::size_t index) noexcept;

  std::vector<task_base*> tasks_;
  std::unique_ptr<node[]> nodes_;
  std::vector<std::size_t> order_;  // capacity n: pushing never allocates
  std::size_t taken_ = 0;
  task_base* waiting_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace braid::asyncio::detail
