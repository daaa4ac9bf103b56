#pragma once
/// \file
/// The typed errors of braid::futures (Python's concurrent.futures exceptions).

#include "braid/error.hpp"

namespace braid::futures {

/// The future was cancelled before it ran (Python's CancelledError). Thrown by result() and
/// exception() of a cancelled future.
class cancelled_error : public braid::error {
 public:
  cancelled_error() : braid::error("the future was cancelled") {}
  using braid::error::error;
};

/// A wait with a timeout ran out before the future finished (Python's TimeoutError).
class timeout_error : public braid::error {
 public:
  timeout_error() : braid::error("the wait timed out") {}
  using braid::error::error;
};

/// An operation is not allowed in the future's current state, such as setting a result twice
/// (Python's InvalidStateError), or using a default-constructed future. braid's one type for
/// misuse of an object's state, shared by every module.
using braid::invalid_state_error;

/// An argument out of range, such as max_workers of 0 (Python's ValueError).
using braid::value_error;

/// The promise was destroyed without a result: the work will never finish. The future holds this
/// error instead of hanging its waiters forever (std::future calls it broken_promise too).
class broken_promise : public braid::error {
 public:
  broken_promise() : braid::error("the promise was destroyed before it set a result") {}
  using braid::error::error;
};

/// The executor cannot run work any more (Python's BrokenExecutor), for example because a worker
/// thread's initializer failed. (submit() after shutdown() throws executor_shutdown_error.)
class broken_executor : public braid::error {
 public:
  using braid::error::error;
};

/// A thread_pool_executor is broken because a worker's initializer threw (Python's
/// BrokenThreadPool). Its pending futures hold this error; later submits throw it.
class broken_thread_pool : public broken_executor {
 public:
  using broken_executor::broken_executor;
};

}  // namespace braid::futures

namespace braid::futures {

/// submit() or map() was called on an executor after shutdown() (Python raises RuntimeError
/// 'cannot schedule new futures after shutdown').
class executor_shutdown_error : public braid::error {
 public:
  executor_shutdown_error() : braid::error("cannot schedule new work after shutdown") {}
  using braid::error::error;
};

}  // namespace braid::futures
