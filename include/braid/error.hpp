#pragma once
/// \file
/// braid's error types shared by every module. Every error braid throws on purpose derives from
/// braid::error, so `catch (const braid::error&)` catches braid's own failures and nothing else.
/// The same kind of failure throws the same type in every module: releasing a lock that is not
/// held is invalid_state_error in threading, asyncio and multiprocessing alike, and a queue that
/// stays empty throws queue_empty whichever module's queue it is. Each type maps to a Python
/// exception.

#include <stdexcept>
#include <string>
#include <system_error>

namespace braid {

/// Base class of every error braid throws on purpose.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An operation the object's current state does not allow: releasing a lock that is not held,
/// setting a future's result twice, starting a thread twice (Python's RuntimeError for such
/// misuse, and InvalidStateError for futures).
class invalid_state_error : public error {
 public:
  using error::error;
};

/// An argument out of range: max_workers of 0, a negative semaphore value, releasing a bounded
/// semaphore above its initial value (Python's ValueError).
class value_error : public error {
 public:
  using error::error;
};

/// A call into the operating system failed (Python's OSError). code() is the system's error,
/// what() says which operation failed and why.
class os_error : public error {
 public:
  os_error(std::error_code code, const std::string& operation)
      : error(operation + ": " + code.message()), code_(code) {}
  /// From an errno value.
  os_error(int errno_value, const std::string& operation)
      : os_error(std::error_code(errno_value, std::generic_category()), operation) {}

  const std::error_code& code() const noexcept { return code_; }

 private:
  std::error_code code_;
};

/// A get gave up because the queue stayed empty (Python's queue.Empty, asyncio.QueueEmpty).
class queue_empty : public error {
 public:
  queue_empty() : error("the queue is empty") {}
  using error::error;
};

/// A put gave up because the queue stayed full (Python's queue.Full, asyncio.QueueFull).
class queue_full : public error {
 public:
  queue_full() : error("the queue is full") {}
  using error::error;
};

/// The queue was shut down: no more puts, and no gets once it is empty (Python 3.13's
/// queue.ShutDown and asyncio.QueueShutDown).
class queue_shut_down : public error {
 public:
  queue_shut_down() : error("the queue is shut down") {}
  using error::error;
};

/// Waiting on a barrier that is broken, aborted or reset while the caller waited (Python's
/// BrokenBarrierError).
class broken_barrier_error : public error {
 public:
  broken_barrier_error() : error("the barrier is broken") {}
  using error::error;
};

}  // namespace braid
