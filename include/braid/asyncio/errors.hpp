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
/// An operation is not allowed in the object's current state (Python's InvalidStateError).
using futures::invalid_state_error;

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
  exception_group(std::string message, std::vector<std::exception_ptr> exceptions);
  const std::vector<std::exception_ptr>& exceptions() const noexcept { return exceptions_; }

 private:
  std::vector<std::exception_ptr> exceptions_;
};

/// run() was interrupted by SIGINT (Python's KeyboardInterrupt out of asyncio.run).
class interrupted_error : public braid::error {
 public:
  interrupted_error() : braid::error("interrupted by SIGINT") {}
};

/// get_nowait() on an empty queue (Python's QueueEmpty).
class queue_empty : public braid::error {
 public:
  queue_empty() : braid::error("the queue is empty") {}
};

/// put_nowait() on a full queue (Python's QueueFull).
class queue_full : public braid::error {
 public:
  queue_full() : braid::error("the queue is full") {}
};

/// put() after shutdown(), or get() on a shut-down queue that is empty (Python's QueueShutDown).
class queue_shut_down : public braid::error {
 public:
  queue_shut_down() : braid::error("the queue is shut down") {}
};

/// A barrier was aborted or reset while tasks waited (Python's BrokenBarrierError).
class broken_barrier_error : public braid::error {
 public:
  broken_barrier_error() : braid::error("the barrier is broken") {}
};

}  // namespace braid::asyncio
