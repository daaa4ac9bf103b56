#pragma once
/// \file
/// The errors braid::threading throws on purpose. All derive from braid::error, so
/// `catch (const braid::error&)` catches them and nothing else; each one maps to a Python
/// exception (see docs/threading.md).

#include "braid/error.hpp"

namespace braid::threading {

/// Misuse of a thread or lock: starting a thread twice, joining one that was never started or
/// joining the current thread, releasing a lock that is not held (Python's RuntimeError).
class thread_error : public braid::error {
 public:
  using braid::error::error;
};

/// A value out of range: releasing a bounded_semaphore above its initial value, calling
/// task_done() more times than items were put (Python's ValueError).
class value_error : public braid::error {
 public:
  using braid::error::error;
};

/// Waiting on a barrier that is broken, aborted or reset while the caller waited
/// (Python's threading.BrokenBarrierError).
class broken_barrier_error : public braid::error {
 public:
  using braid::error::error;
};

/// A queue get gave up: the queue stayed empty (Python's queue.Empty).
class queue_empty : public braid::error {
 public:
  using braid::error::error;
};

/// A queue put gave up: the queue stayed full (Python's queue.Full).
class queue_full : public braid::error {
 public:
  using braid::error::error;
};

/// The queue was shut down: no more puts, and gets once it is empty (Python 3.13's
/// queue.ShutDown).
class queue_shut_down : public braid::error {
 public:
  using braid::error::error;
};

}  // namespace braid::threading
