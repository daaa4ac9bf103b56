#pragma once
/// \file
/// braid::asyncio::event (Python's asyncio.Event). Loop-thread only.

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A flag tasks can wait for. Never throws except as noted.
class event {
 public:
  bool is_set() const noexcept { return flag_; }
  /// Sets the flag and wakes every waiter (in FIFO order).
  void set() noexcept {
    flag_ = true;
    waiters_.wake_all();
  }
  void clear() noexcept { flag_ = false; }
  /// Waits until the flag is set (at once if it is). A cancellation point: cancelling leaves the
  /// queue of waiters and throws cancelled_error.
  task<void> wait();

 private:
  detail::wait_list waiters_;
  bool flag_ = false;
};

}  // namespace braid::asyncio
