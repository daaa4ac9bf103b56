#pragma once
/// \file
/// braid::asyncio::event (Python's asyncio.Event). Loop-thread only.

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A flag tasks can wait for. Never throws except as noted.
class event {
 public:
  /// Whether the flag is set (Python's Event.is_set()). Never throws.
  bool is_set() const noexcept { return flag_; }
  /// Sets the flag and wakes every waiter, in FIFO order (Python's set()). Never throws.
  void set() noexcept {
    flag_ = true;
    waiters_.wake_all();
  }
  /// Resets the flag; tasks already woken still return from wait() (Python's clear()). Never
  /// throws.
  void clear() noexcept { flag_ = false; }
  /// Waits until the flag is set (Python's Event.wait()); returns at once, without suspending,
  /// if it is set. Throws cancelled_error; event_loop_error if it must
  /// wait outside a task (a coroutine resumed by a plain callback).
  /// **Cancel safety**: cancel-safe: a cancelled waiter leaves the queue; once woken by set() it
  /// returns normally (a cancellation then comes at its next suspension point).
  task<void> wait();

 private:
  detail::wait_list waiters_;
  bool flag_ = false;
};

}  // namespace braid::asyncio
