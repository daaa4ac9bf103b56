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
/// What the calling thread and the loop share. The handle is set and cleared only on the loop's
/// thread, and cleared before the future completes: the last reference to the slot may be
/// dropped on any thread (the caller's, if the task finished before it registered its
/// done-callback), and a task's reference count must only ever change on its loop.
struct remote_task_slot {
  task_ref task;
  bool cancel_requested = false;
};

template <class T>
task<void> drive_to_promise(task<T> t, futures::promise<T> p, futures::future<T> f,
                            std::shared_ptr<remote_task_slot> slot) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await std::move(t);
      slot->task = task_ref();
      p.set_result();
    } else {
      auto v = co_await std::move(t);
      slot->task = task_ref();
      p.set_result(std::move(v));
    }
  } catch (const cancelled_error&) {
    slot->task = task_ref();
    f.cancel();  // the future is still pending: cancelling it is the faithful outcome
  } catch (...) {
    slot->task = task_ref();
    try {
      p.set_exception(std::current_exception());
    } catch (...) {  // the future was cancelled meanwhile
    }
  }
}
}  // namespace detail

/// Schedules `t` on `loop` (running on another thread) and returns a future for its result.
/// Cancelling the future cancels the task. Thread-safe. Throws event_loop_error if the loop is
/// closed; std::bad_alloc.
template <class T>
futures::future<T> run_coroutine_threadsafe(task<T> t, event_loop& loop) {
  futures::promise<T> p;
  futures::future<T> f = p.get_future();
  auto slot = std::make_shared<detail::remote_task_slot>();
  auto start = [t = std::move(t), p = std::move(p), f, slot, &loop]() mutable {
    auto h = loop.create_task(detail::drive_to_promise(std::move(t), std::move(p), f, slot));
    if (slot->cancel_requested) h.cancel();
    slot->task = h;
  };
  loop.call_soon_threadsafe(std::move(start));
  f.add_done_callback([slot, &loop](const futures::future<T>& done) {
    if (!done.cancelled()) return;
    try {
      loop.call_soon_threadsafe([slot] {
        slot->cancel_requested = true;
        if (slot->task) slot->task.cancel();
      });
    } catch (...) {  // the loop is closed: nothing left to cancel
    }
  });
  return f;
}

}  // namespace braid::asyncio
