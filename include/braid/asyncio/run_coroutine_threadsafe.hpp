#pragma once
/// \file
/// braid::asyncio::run_coroutine_threadsafe (Python's asyncio.run_coroutine_threadsafe):
/// submit a coroutine to a loop running on another thread and get a futures::future back.

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/futures/future.hpp"

namespace braid::asyncio {

namespace detail {
/// What the calling thread and the loop share. `task` and `cancel_requested` are used only on
/// the loop's thread: every change of a task's reference count must happen on its loop, while
/// the last reference to the slot may be dropped on any thread (the caller's, when its
/// done-callback is the last owner).
///
/// The slot is a done-waiter of its task: when the task finishes, however it finishes (even
/// cancelled before its first step, when its body never runs), wake() drops the slot's reference
/// to it. The task's frame owns the slot, so a slot that held the task until the slot died would
/// keep both alive forever.
template <class T>
struct remote_task_slot final : wait_node {
  explicit remote_task_slot(futures::future<T> f) noexcept : future(std::move(f)) {}
  task_ref task;
  futures::future<T> future;
  bool cancel_requested = false;

  // The task finished (on the loop's thread): release it, and cancel the future if the body did
  // not complete it (the task was cancelled before it could, as Python does).
  void wake() noexcept override {
    task = task_ref();
    try {
      future.cancel();  // false, and nothing happens, if the future is done
    } catch (...) {     // only for an invalid future, which this one is not
    }
  }
};

// `slot` is unused by the body: the frame owns it so that it lives as long as its task.
template <class T>
task<void> drive_to_promise(task<T> t, futures::promise<T> p,
                            [[maybe_unused]] std::shared_ptr<remote_task_slot<T>> slot) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(t);
      p.set_result();
    } else {
      auto v = co_await std::move(t);
      p.set_result(std::move(v));
    }
  } catch (const cancelled_error&) {
    // The future is cancelled by the slot once this task finished.
  } catch (...) {
    try {
      p.set_exception(std::current_exception());
    } catch (...) {  // the future was cancelled meanwhile
    }
  }
}
}  // namespace detail

/// Schedules `t` on `loop` (typically running on another thread) and returns a future for its
/// result (Python's run_coroutine_threadsafe). Thread-safe; `loop` must exist when the call
/// starts.
///
/// Cancellation: cancelling the future cancels the task (from any thread, even once the loop is
/// closed or destroyed: there is then nothing left to cancel). If the task is cancelled (also by
/// the loop closing), the future is cancelled. If the loop closes before the task was created,
/// the future completes with futures::broken_promise; it never stays pending.
/// Throws event_loop_error if the loop is closed (nothing is scheduled); std::bad_alloc.
template <class T>
futures::future<T> run_coroutine_threadsafe(task<T> t, event_loop& loop) {
  futures::promise<T> p;
  futures::future<T> f = p.get_future();
  auto slot = std::make_shared<detail::remote_task_slot<T>>(f);
  auto poster = detail::loop_access::poster(loop);
  auto start = [t = std::move(t), p = std::move(p), slot, &loop]() mutable {
    if (slot->cancel_requested) return;  // cancelled before it existed: never create it
    auto h = loop.create_task(detail::drive_to_promise(std::move(t), std::move(p), slot));
    h.base()->done_waiters().push_back(*slot);
    slot->task = h;
  };
  loop.call_soon_threadsafe(std::move(start));
  // Runs on whichever thread cancels the future, perhaps after the loop is gone: it reaches the
  // loop only through the poster, which fails once the loop is closed.
  f.add_done_callback([slot, poster](const futures::future<T>& done) {
    if (!done.cancelled()) return;
    poster.post([slot] {
      slot->cancel_requested = true;
      if (slot->task) slot->task.cancel();
    });
  });
  return f;
}

}  // namespace braid::asyncio
