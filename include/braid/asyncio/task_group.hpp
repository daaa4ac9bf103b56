#pragma once
/// \file
/// braid::asyncio::task_group (Python's asyncio.TaskGroup, trio's nursery): structured
/// concurrency. Children never outlive the group's scope.
///
/// ```
/// co_await asyncio::with_task_group([&](asyncio::task_group& tg) -> asyncio::task<void> {
///   tg.create_task(fetch("a"));
///   tg.create_task(fetch("b"));
///   co_return;
/// });  // both finished here
/// ```
///
/// The body runs in the calling task. The first failure of a child cancels every other child and
/// the body; the scope then waits for all children and throws an exception_group holding every
/// error that is not a cancellation (the body's included). Cancelling the calling task cancels
/// the children too; the scope waits for them, then rethrows cancelled_error.

#include <coroutine>
#include <cstddef>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio {

/// A set of child tasks bound to one scope (see the file comment). Made by with_task_group();
/// loop-thread only; not copyable or movable.
class task_group {
 public:
  task_group(const task_group&) = delete;
  task_group& operator=(const task_group&) = delete;
  /// Never throws (with_task_group joined every child before).
  ~task_group();

  /// Starts `t` as a child (Python's TaskGroup.create_task). The returned handle may be dropped.
  /// Throws invalid_state_error if the group has finished or is shutting down after a failure
  /// (the task is then destroyed without running); std::bad_alloc. Strongly exception-safe: on
  /// any throw no task was started and the group is unchanged. Loop-thread only.
  template <class T>
  task_handle<T> create_task(task<T> t, std::string name = {}, const char* file = __builtin_FILE(),
                             unsigned line = __builtin_LINE(),
                             const char* function = __builtin_FUNCTION()) {
    check_open();
    child_node* node = new_child_node();  // allocated first: adopting cannot fail
    task_handle<T> h;
    try {
      h = loop_->create_task(std::move(t), std::move(name), file, line, function);
    } catch (...) {
      delete_child_node(node);
      throw;
    }
    adopt(*node, *h.base());
    return h;
  }

  /// Children not finished yet. Never throws.
  std::size_t size() const noexcept { return alive_; }

 private:
  template <class F>
  friend task<void> with_task_group(F&& body);

  /// Made by with_task_group for the running task. Throws event_loop_error outside a task.
  task_group();

  /// Waits for every child, then throws (see the file comment). Used by with_task_group.
  class join_operation final : public detail::waiter {
   public:
    join_operation(task_group& g, std::exception_ptr body_error) noexcept
        : group_(&g), body_error_(std::move(body_error)) {}
    bool await_ready() noexcept;
    bool await_suspend(std::coroutine_handle<> h) noexcept;
    void await_resume();
    bool cancel() noexcept override;

   private:
    task_group* group_;
    std::exception_ptr body_error_;
    bool cancel_seen_ = false;
  };
  join_operation join(std::exception_ptr body_error) noexcept {
    return join_operation(*this, std::move(body_error));
  }

  struct child_node;
  void check_open() const;
  static child_node* new_child_node();
  static void delete_child_node(child_node* node) noexcept;
  void adopt(child_node& node, detail::task_base& child) noexcept;
  void child_done(child_node& node) noexcept;
  void abort() noexcept;

  event_loop* loop_;
  detail::task_base* parent_;
  child_node* children_ = nullptr;  // nodes of the children still running
  std::vector<std::exception_ptr> errors_;
  detail::task_base* joiner_ = nullptr;
  std::size_t alive_ = 0;
  bool aborting_ = false;
  bool parent_cancel_requested_ = false;
  bool joining_ = false;
  bool closed_ = false;
};

/// Runs `body(group)` in the calling task with a new task_group, then waits for every child
/// (Python's `async with TaskGroup() as tg:`). `body` is a callable taking `task_group&` and
/// returning task<void>; a lambda capturing by reference is safe (it lives until this await
/// ends). Throws exception_group if children or the body failed; cancelled_error if the calling
/// task was cancelled; event_loop_error outside a task; std::bad_alloc.
/// **Cancel safety**: structured: cancelling the calling task cancels the body at its current
/// await and every child, waits for all children to finish, then throws cancelled_error; no
/// child outlives the call. Loop-thread only.
template <class F>
task<void> with_task_group(F&& body) {
  task_group group;
  std::exception_ptr body_error;
  try {
    co_await body(group);
  } catch (...) {
    body_error = std::current_exception();
  }
  co_await group.join(std::move(body_error));
}

}  // namespace braid::asyncio
