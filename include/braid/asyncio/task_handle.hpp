#pragma once
/// \file
/// braid::asyncio::task_handle<T>: a task running on a loop (Python's asyncio.Task), made by
/// create_task(). The loop owns a running task: dropping every handle never stops or destroys
/// it. A handle is how you await it, cancel it, name it and read its result.
///
/// Loop-thread only: handles must be used on the thread of the loop that runs the task.

#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

namespace detail {
[[noreturn]] void throw_not_done();
[[noreturn]] void throw_empty_handle();
/// `base`, or invalid_state_error("empty task handle") if it is null: for functions that take
/// handles from the user and would otherwise follow a null task.
inline task_base* non_empty(task_base* base) {
  if (base == nullptr) throw_empty_handle();
  return base;
}

/// Awaits a task: `co_await handle`. Cancelling the awaiting task cancels the awaited one (as in
/// Python) and keeps waiting for it; once it finished, the awaiting task gets cancelled_error.
/// A cancellation already pending when the wait starts is treated the same way (bpo-34872).
/// With `shield`, cancelling the awaiting task only stops the wait: the awaited task runs on.
class join_operation final : public wait_node, public waiter {
 public:
  join_operation(task_base& target, bool shield) noexcept : target_(&target), shield_(shield) {}
  ~join_operation() {
    if (linked()) target_->done_waiters().erase(*this);
  }
  bool await_ready() const noexcept { return target_->done(); }
  /// Throws event_loop_error outside a task (nothing is registered then).
  bool await_suspend(std::coroutine_handle<> h);
  /// Throws cancelled_error if the wait was cancelled; otherwise marks the result observed.
  void await_resume();
  void wake() noexcept override { self_->wake(); }
  bool cancel() noexcept override;

 private:
  task_base* target_;
  task_base* self_ = nullptr;
  bool shield_;
  bool cancelled_ = false;
};
}  // namespace detail

/// An untyped reference to a task: what current_task() and all_tasks() return. Copyable; copying
/// and destroying never throw. An empty reference (default-constructed or moved-from) refers to
/// no task: operator bool, ==, base(), created_at() and cancel() are fine on it, every other
/// member throws invalid_state_error("empty task handle").
class task_ref {
 public:
  task_ref() noexcept = default;
  explicit task_ref(detail::task_base* t) noexcept : t_(t) {
    if (t_) t_->retain();
  }
  task_ref(const task_ref& o) noexcept : task_ref(o.t_) {}
  task_ref(task_ref&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  task_ref& operator=(task_ref o) noexcept {
    std::swap(t_, o.t_);
    return *this;
  }
  ~task_ref() {
    if (t_) t_->release();
  }
  /// False for an empty reference. Never throws.
  explicit operator bool() const noexcept { return t_ != nullptr; }
  /// Same task. Never throws.
  friend bool operator==(const task_ref& a, const task_ref& b) noexcept { return a.t_ == b.t_; }

  /// Requests cancellation (Python's Task.cancel): cancelled_error is delivered at the task's
  /// next suspension point; a task that never started never runs. Returns false if the task is
  /// done, and on an empty reference (there is nothing to cancel, as callback_handle::cancel()).
  /// Requests are counted (cancelling()). Never throws.
  bool cancel() const noexcept { return t_ != nullptr && t_->cancel(); }
  /// How many cancellation requests are pending (Python's cancelling()). Throws
  /// invalid_state_error if the reference is empty.
  unsigned cancelling() const { return checked().cancelling(); }
  /// Withdraws one cancellation request; returns how many remain (Python's uncancel()). When
  /// none remain, a request not delivered yet is dropped. Throws invalid_state_error if the
  /// reference is empty.
  unsigned uncancel() const { return checked().uncancel(); }
  /// True once the task finished, however (Python's done()). Throws invalid_state_error if the
  /// reference is empty (neither answer would be true of no task).
  bool done() const { return checked().done(); }
  /// True if the task finished by cancelled_error (Python's cancelled()). Throws
  /// invalid_state_error if the reference is empty.
  bool cancelled() const { return checked().cancelled(); }
  /// Unique per loop, counting from 1; names default to "Task-<id>". Throws
  /// invalid_state_error if the reference is empty.
  std::uint64_t id() const { return checked().id(); }
  /// The task's name (Python's get_name()). Throws invalid_state_error if the reference is
  /// empty; std::bad_alloc.
  std::string name() const { return checked().name(); }
  /// Renames the task (Python's set_name()). Throws invalid_state_error if the reference is
  /// empty; std::bad_alloc.
  void set_name(std::string name) const { checked().set_name(std::move(name)); }
  /// The task's error once done (null if it succeeded), marking it observed. Throws
  /// invalid_state_error if not done or empty, cancelled_error if it was cancelled (Python's
  /// exception()).
  std::exception_ptr exception() const;
  /// "file:line (function)" where the task was created if the loop was in debug mode, else
  /// empty (also for an empty reference). Throws std::bad_alloc.
  std::string created_at() const;

  /// Awaiting a task_ref waits for the task to finish without taking its result or its error,
  /// and marks it observed. Throws invalid_state_error if the reference is empty (when
  /// awaited); cancelled_error; event_loop_error if it must wait outside a task.
  /// **Cancel safety**: as task_handle's co_await: cancelling the awaiting task cancels the
  /// awaited one and waits for it to finish before throwing cancelled_error.
  detail::join_operation operator co_await() const {
    return detail::join_operation(checked(), false);
  }

  /// The loop-side task, null if empty (for braid's own helpers). Never throws.
  detail::task_base* base() const noexcept { return t_; }

 protected:
  /// The task; throws invalid_state_error("empty task handle") if there is none.
  detail::task_base& checked() const {
    if (!t_) detail::throw_empty_handle();
    return *t_;
  }
  void adopt(detail::task_base* t) noexcept { t_ = t; }
  detail::task_base* t_ = nullptr;
};

/// A task made by create_task(), typed by its result.
template <class T>
class task_handle : public task_ref {
 public:
  /// An empty handle. Never throws.
  task_handle() noexcept = default;
  /// Adopts one reference (create_task uses it). Never throws.
  static task_handle adopt(detail::task_base* t) noexcept {
    task_handle h;
    h.task_ref::adopt(t);
    return h;
  }

  /// The result of a finished task, marking it observed (Python's result()). On an lvalue the
  /// value stays in the task and a reference is returned; on an rvalue it is moved out.
  /// Throws the task's error, cancelled_error if it was cancelled, invalid_state_error if it is
  /// not done or the handle is empty.
  decltype(auto) result() const& {
    auto& p = ready();
    if constexpr (std::is_void_v<T>) {
      p.value();
    } else {
      return p.value();
    }
  }
  T result() && { return ready().take_value(); }

  /// Lets the task run on without a handle, stating that nobody will await it. Its error, if it
  /// fails, is reported through braid::threading's excepthook ("detached task 'name' failed").
  /// Harmless on an empty handle. Never throws.
  void detach() && {
    if (t_) {
      t_->mark_detached();
      t_->release();
      t_ = nullptr;
    }
  }

  struct awaiter {
    detail::join_operation op;
    detail::promise<T>* p;
    bool move;
    bool await_ready() const noexcept { return op.await_ready(); }
    bool await_suspend(std::coroutine_handle<> h) { return op.await_suspend(h); }
    T await_resume() {
      op.await_resume();
      if constexpr (std::is_void_v<T>) {
        p->value();
      } else {
        if (move) return p->take_value();
        return T(p->value());
      }
    }
  };
  /// Waits for the task and returns its value or rethrows its error (moving the value out when
  /// the handle is an rvalue). Cancelling the awaiting task (before or during the wait) cancels
  /// this one too and, once it finished, throws cancelled_error in the awaiting task. Never
  /// blocks the thread. Throws invalid_state_error if the handle is empty (when awaited),
  /// event_loop_error if it must wait outside a task. Loop-thread only.
  /// **Cancel safety**: not cancel-safe for the result: the awaited task is cancelled too, and
  /// whatever it would have returned is lost (use shield() to keep it running).
  awaiter operator co_await() const& { return make_awaiter(false); }
  awaiter operator co_await() && { return make_awaiter(true); }

 private:
  awaiter make_awaiter(bool move) const {
    return awaiter{detail::join_operation(checked(), false), &promise(), move};
  }
  detail::promise<T>& promise() const noexcept {
    return static_cast<detail::promise<T>&>(t_->root_promise());
  }
  detail::promise<T>& ready() const {
    if (!t_) detail::throw_empty_handle();
    if (!t_->done()) detail::throw_not_done();
    t_->mark_observed();
    return promise();
  }
};

template <class T>
task_handle<T> event_loop::create_task(task<T> t, std::string name, const char* file, unsigned line,
                                       const char* function) {
  if (closed_) throw event_loop_error("create_task on a closed event loop");
  auto h = t.release();
  if (!h) throw invalid_state_error("create_task: the task is empty");
  detail::task_base* base;
  try {
    base = new detail::task_base(*this, h, h.promise());
  } catch (...) {
    h.destroy();
    throw;
  }
  // Everything that allocates comes before the task is registered: a throw leaves the loop as
  // it was (a registered task that is never scheduled would make close() wait forever).
  try {
    const detail::creation_site site{file, function, line};
    base->prepare(std::move(name), debug_ ? &site : nullptr);
  } catch (...) {
    base->discard();  // destroys the frame too
    throw;
  }
  h.promise().set_owner(base);
  register_task(*base);
  base->retain();  // the handle's reference
  base->schedule();
  return task_handle<T>::adopt(base);
}

/// Schedules `t` on the running loop (Python's asyncio.create_task). Throws event_loop_error if
/// no loop runs on this thread; std::bad_alloc. Strongly exception-safe as
/// event_loop::create_task. Loop-thread only.
template <class T>
[[nodiscard]] task_handle<T> create_task(task<T> t, std::string name = {},
                                         const char* file = __builtin_FILE(),
                                         unsigned line = __builtin_LINE(),
                                         const char* function = __builtin_FUNCTION()) {
  return event_loop::running().create_task(std::move(t), std::move(name), file, line, function);
}

/// The task running now, or an empty task_ref outside a task (Python's current_task()). Never
/// throws.
task_ref current_task() noexcept;

/// Every unfinished task of the running loop (Python's all_tasks()). Throws event_loop_error if
/// no loop runs on this thread.
std::vector<task_ref> all_tasks();

}  // namespace braid::asyncio
