#pragma once
/// \file
/// The errors of braid::asyncio. Cancellation and timeouts use braid::futures' types, so one
/// `catch (const braid::futures::cancelled_error&)` works for both modules.

#include <exception>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/futures/errors.hpp"

namespace braid::asyncio {

/// Delivered at a task's suspension point when the task is cancelled (Python's CancelledError).
using futures::cancelled_error;
/// Raised at the end of a timeout scope that ran out (Python's TimeoutError).
using futures::timeout_error;
/// An operation is not allowed in the object's current state (Python's InvalidStateError and
/// RuntimeError for misuse such as releasing a lock that is not held).
using braid::invalid_state_error;

/// Misuse of an event loop: run() inside a running loop, create_task() with no loop running,
/// using a closed loop (Python raises RuntimeError for each).
class event_loop_error : public braid::error {
 public:
  using braid::error::error;
};

/// Several errors at once (Python's ExceptionGroup): thrown by task_group when children (or its
/// body) failed. exceptions() holds every non-cancellation error, in the order they happened.
class exception_group : public braid::error {
 public:
  /// Throws std::bad_alloc.
  exception_group(std::string message, std::vector<std::exception_ptr> exceptions);
  /// The errors, in the order they happened (Python's ExceptionGroup.exceptions). Never throws.
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return exceptions_; }

 private:
  std::vector<std::exception_ptr> exceptions_;
};

/// run() was interrupted by SIGINT (Python's KeyboardInterrupt out of asyncio.run).
class interrupted_error : public braid::error {
 public:
  /// Throws std::bad_alloc.
  interrupted_error() : braid::error("interrupted by SIGINT") {}
};

// The kinds every module shares: get_nowait() on an empty queue, put_nowait() on a full one,
// a shut-down queue, a broken barrier (Python's QueueEmpty, QueueFull, QueueShutDown,
// BrokenBarrierError).
using braid::broken_barrier_error;
using braid::queue_empty;
using braid::queue_full;
using braid::queue_shut_down;

}  // namespace braid::asyncio
