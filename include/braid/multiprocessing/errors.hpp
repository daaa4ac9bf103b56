#pragma once
/// \file
/// The typed errors of braid::multiprocessing and process_pool_executor. Every one derives from
/// braid::error; a failed system call is braid::os_error (with its errno), not std::system_error.

#include <sys/types.h>
#include <string>

#include "braid/error.hpp"
#include "braid/futures/errors.hpp"
#include "braid/threading/errors.hpp"

namespace braid::multiprocessing {

/// A task raised an exception in a worker process. Carries the exception's (demangled) type name,
/// its message and the worker's stack, as text, where the exception was caught. what() is
/// "<type>: <message>".
class remote_error : public braid::error {
 public:
  /// An error for an exception of `type_name` with `message`, caught at `stack`.
  remote_error(std::string type_name, std::string message, std::string stack)
      : braid::error(type_name + ": " + message),
        type_name_(std::move(type_name)),
        message_(std::move(message)),
        stack_(std::move(stack)) {}
  /// The demangled type of the exception thrown in the worker, e.g. "std::out_of_range".
  const std::string& type_name() const noexcept { return type_name_; }
  /// The exception's what().
  const std::string& message() const noexcept { return message_; }
  /// The worker's stack at the point the exception was caught, one frame a line.
  const std::string& stack() const noexcept { return stack_; }

 private:
  std::string type_name_, message_, stack_;
};

/// The worker process running the task died (crashed, was killed, or exited) before the task
/// finished. Only the tasks that worker was running fail with it; the pool replaces the worker.
class worker_died : public braid::error {
 public:
  /// An error for worker `pid`, killed by `signal` (0 if none) or exited with `exit_code`.
  worker_died(pid_t pid, int signal, int exit_code, const std::string& text,
              bool exit_status_known = true)
      : braid::error(text),
        pid_(pid),
        signal_(signal),
        exit_code_(exit_code),
        known_(exit_status_known) {}
  /// The process id of the dead worker.
  pid_t pid() const noexcept { return pid_; }
  /// The signal that killed it (SIGSEGV, SIGKILL, ...), or 0 if it exited or if unknown.
  int signal() const noexcept { return signal_; }
  /// Its exit code if it exited, or -1 if a signal killed it or if unknown.
  int exit_code() const noexcept { return exit_code_; }
  /// False if how it ended cannot be known: the program ignores SIGCHLD (SIG_IGN or
  /// SA_NOCLDWAIT), so the kernel reaped the worker itself. signal() is then 0 and exit_code()
  /// -1.
  bool exit_status_known() const noexcept { return known_; }

 private:
  pid_t pid_;
  int signal_;
  int exit_code_;
  bool known_;
};

/// The process pool cannot run work any more: a worker's initializer threw, the worker binary
/// does not match this program, or no worker process could be started (Python's
/// BrokenProcessPool).
class broken_process_pool : public futures::broken_executor {
 public:
  using futures::broken_executor::broken_executor;
};

/// A start method cannot be used here, such as `fork` in a process that already runs threads.
class start_method_error : public braid::error {
 public:
  using braid::error::error;
};

/// A value could not be sent to or received from another process: it failed to serialise, a
/// message was malformed, or the other side is gone.
class transfer_error : public braid::error {
 public:
  using braid::error::error;
};

/// The process holding a process-shared lock died while holding it. The lock was made consistent
/// and handed to the caller; the data it protected may be half-updated. Reported through
/// braid::threading's excepthook by the acquiring call.
class owner_died : public braid::error {
 public:
  using braid::error::error;
};

// The kinds every module shares.
using braid::broken_barrier_error;
using braid::invalid_state_error;
using braid::queue_empty;
using braid::queue_full;
using braid::queue_shut_down;
using braid::value_error;

/// recv() on a connection whose other end is closed and has nothing left to read (Python's
/// EOFError).
class eof_error : public braid::error {
 public:
  using braid::error::error;
};

}  // namespace braid::multiprocessing
