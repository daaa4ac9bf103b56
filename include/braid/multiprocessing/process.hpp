#pragma once
/// \file
/// braid::multiprocessing::process: Python's multiprocessing.Process.

#include <sys/types.h>

#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "braid/multiprocessing/errors.hpp"
#include "braid/multiprocessing/remote_call.hpp"

namespace braid::multiprocessing {

/// Runs `target(args...)` in a new process (Python's multiprocessing.Process).
///
/// The call is serialised when the process object is made (a type that cannot travel is a
/// compile error, a value that fails to serialise throws from the constructor) and the child is
/// started by spawn: this program's binary, in worker mode, before main. The child's exit code is
/// 0 when the target returns, 1 when it throws (its type, message and stack go to stderr), and
/// -N when signal N kills it.
///
/// Not thread-safe: use one process object from one thread at a time, like Python's.
/// Destroying a started process joins it; a daemon process is killed instead (Python terminates
/// daemonic children when the parent exits).
class process {
 public:
  /// A process that will run `target(args...)` (Python's Process(target, args)); not started.
  /// Throws what serialising an argument throws.
  template <class F, class... Args>
  explicit process(F&& target, Args&&... args)
      : call_(std::forward<F>(target), std::forward<Args>(args)...) {}
  /// Takes over `other`'s child, leaving `other` unstarted. Never throws.
  process(process&& other) noexcept;
  /// Ends this object's child as the destructor does, then takes over `other`'s. Never throws.
  process& operator=(process&& other) noexcept;
  /// Joins a started child (kills it if `daemon`). Never throws.
  ~process();

  /// Starts the child (Python's start()). Throws invalid_state_error if already started;
  /// transfer_error (nothing started) if the call carries more than 64 descriptors; braid::os_error
  /// if the process cannot be started.
  void start();
  /// Waits for the child to end (Python's join()). Throws invalid_state_error if it was not
  /// started.
  void join();
  /// Waits at most `timeout` (Python's join(timeout)); returns true if the child has ended.
  /// Throws invalid_state_error if it was not started.
  bool join(std::chrono::nanoseconds timeout);
  /// True between start() and the child's end (Python's is_alive()). Never throws.
  bool is_alive();
  /// Sends SIGTERM if the child is alive (Python's terminate()). Never throws.
  void terminate();
  /// Sends SIGKILL if the child is alive (Python's kill()). Never throws.
  void kill();
  /// The exit code once the child ended and was joined (or seen dead by is_alive): 0 success,
  /// 1 the target threw, -N killed by signal N, exitcode_unknown if the program ignores SIGCHLD
  /// (the kernel then reaps the child itself, so how it ended cannot be known); nullopt before
  /// that.
  std::optional<int> exitcode() const noexcept { return exitcode_; }
  /// The exitcode() of a child whose exit status is unknown (SIGCHLD ignored).
  static constexpr int exitcode_unknown = std::numeric_limits<int>::min();
  /// The child's process id, or -1 before start().
  pid_t pid() const noexcept { return pid_; }

  /// A daemon process is killed, not joined, when its process object is destroyed. Set it
  /// before start().
  bool daemon = false;
  std::string name = "process";

 private:
  bool wait_until(std::optional<std::chrono::steady_clock::time_point> deadline);
  void signal(int sig);
  void release() noexcept;

  remote_call call_;
  pid_t pid_ = -1;
  int pidfd_ = -1;
  std::optional<int> exitcode_;
};

}  // namespace braid::multiprocessing
