#pragma once
/// \file
/// Child processes on the event loop (Python's asyncio.create_subprocess_exec / _shell and
/// asyncio.subprocess.Process).
///
/// Each child is started with posix_spawn (every descriptor braid opens is close-on-exec, so a
/// child started by another thread at the same moment inherits none of them) and watched
/// through a pidfd: no SIGCHLD handler, no process-wide child watcher, so loops on several
/// threads may each run children. The child's signal mask is emptied and SIGPIPE and SIGXFSZ
/// are reset to their default action (as Python's restore_signals), whatever the loop thread
/// blocks or ignores. Requires Linux 5.4 (pidfd_open, waitid(P_PIDFD)).
///
/// **Who reaps.** The loop does: a small task per child (named "subprocess <pid>") waits on the
/// pidfd and reaps the child as soon as it exits, whether or not anyone calls wait() and even
/// after the process object is gone. Destroying a process object therefore never stops the
/// child (it closes the parent's pipe ends, which a child reading stdin sees as end of file)
/// and never leaves a zombie while the loop lives. When the loop closes (the end of
/// asyncio::run, event_loop::close) with children still running, each is sent SIGKILL and
/// reaped before close returns: no child outlives its loop unwaited, and no zombie is left.
/// Something else reaping braid's children (SIGCHLD set to SIG_IGN, or waitpid(-1) elsewhere)
/// makes returncode() 255, as Python reports an unknown child.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio/pipe_reader.hpp"
#include "braid/asyncio/pipe_writer.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/error.hpp"

namespace braid::asyncio {

namespace detail {
struct process_state;
}

/// Where one of a child's standard streams goes (Python's PIPE, DEVNULL, STDOUT, None, or a
/// descriptor). Never throws.
struct stdio {
  enum class kind : unsigned char { inherit, pipe, devnull, to_stdout, fd };
  kind what = kind::inherit;
  int descriptor = -1;

  /// The parent's own stream (Python's None, the default).
  static constexpr stdio inherit() noexcept { return {}; }
  /// A new pipe; the parent's end is on the process object (Python's PIPE).
  static constexpr stdio pipe() noexcept { return {kind::pipe, -1}; }
  /// /dev/null (Python's DEVNULL).
  static constexpr stdio devnull() noexcept { return {kind::devnull, -1}; }
  /// stderr only: wherever stdout goes (Python's STDOUT).
  static constexpr stdio to_stdout() noexcept { return {kind::to_stdout, -1}; }
  /// An open descriptor of the parent, duplicated into the child (Python passes an int or a
  /// file). The parent keeps and still owns it.
  static constexpr stdio fd(int descriptor) noexcept { return {kind::fd, descriptor}; }
};

/// Options of create_subprocess_exec and create_subprocess_shell.
struct subprocess_options {
  stdio stdin_mode = stdio::inherit();
  stdio stdout_mode = stdio::inherit();
  /// May also be stdio::to_stdout().
  stdio stderr_mode = stdio::inherit();
  /// The child's working directory (Python's cwd); a relative program path is found from it.
  std::optional<std::string> cwd;
  /// The child's whole environment (Python's env); nullopt inherits the parent's. The program
  /// is looked up on the parent's PATH either way.
  std::optional<std::map<std::string, std::string>> env;
};

/// Starting a child failed: no such program, not executable, a bad cwd (Python raises
/// FileNotFoundError, PermissionError, ...: OSError subclasses with the errno). code() is the
/// errno, program() what was to run.
class spawn_error : public os_error {
 public:
  /// Throws std::bad_alloc.
  spawn_error(int errno_value, std::string program);
  /// What was to be run. Never throws.
  const std::string& program() const noexcept { return program_; }

 private:
  std::string program_;
};

/// What communicate() read: all of stdout and of stderr (empty for a stream that is no pipe).
struct communicate_result {
  std::string out;
  std::string err;
};

/// A running or finished child (Python's asyncio.subprocess.Process). Made by
/// create_subprocess_exec/_shell. Move-only. Loop-thread only (the loop that started it), not
/// thread-safe, except pid(). Destroying it closes the parent's pipe ends and leaves the child
/// running, to be reaped by the loop (see the file comment).
class process {
 public:
  process(process&& o) noexcept;
  /// Lets go of the child this object had, as the destructor does. Never throws.
  process& operator=(process&& o) noexcept;
  ~process();

  /// The child's process id (Python's pid). Never throws; thread-safe.
  int pid() const noexcept { return pid_; }
  /// The exit status once the child was reaped: its exit code, or minus the signal number that
  /// killed it (Python's returncode); nullopt while it runs, or before the loop noticed the
  /// exit (wait() for it). Never throws.
  std::optional<int> returncode() const noexcept;

  /// Waits for the child to exit and returns returncode() (Python's wait()). Returns at once if
  /// it is known. Throws cancelled_error. Unlike Python's, it cannot deadlock on a full pipe
  /// (the child blocks writing, wait() waits): read the pipes, or use communicate().
  /// **Cancel safety**: cancel-safe: cancelling abandons the wait only; the child keeps running
  /// and is still reaped by the loop.
  task<int> wait();

  /// Writes `input` to stdin and closes it, while reading stdout and stderr to end of file,
  /// then waits for the child to exit (Python's communicate()). The three run concurrently, so
  /// a child writing more than a pipe holds before reading all its input cannot deadlock. A
  /// child that exits without reading all of `input` is no error (EPIPE is ignored, as Python
  /// does). Throws value_error if `input` is not empty and stdin is not a pipe; os_error if a
  /// pipe read or write fails; cancelled_error.
  /// **Cancel safety**: cancelling abandons the call without killing the child. What was read
  /// stays buffered in stdout_pipe()/stderr_pipe() (a later read or communicate() returns it);
  /// an unknown part of `input` was written, and stdin stays open.
  task<communicate_result> communicate(std::string input = std::string());

  /// Sends `signo` to the child (Python's send_signal), through its pidfd, so a pid reused by
  /// another process is never hit. Does nothing once the child was reaped. Throws os_error if
  /// the kernel refuses (EINVAL for a bad signal number, EPERM).
  void send_signal(int signo);
  /// send_signal(SIGTERM) (Python's terminate()).
  void terminate();
  /// send_signal(SIGKILL) (Python's kill()).
  void kill();

  /// The parent's end of the child's stdin, or null if stdin is no pipe (Python's stdin).
  /// Valid while this object lives and is not moved from. Never throws.
  pipe_writer* stdin_pipe() noexcept { return stdin_ ? &*stdin_ : nullptr; }
  /// The parent's end of the child's stdout, or null (Python's stdout). As stdin_pipe().
  pipe_reader* stdout_pipe() noexcept { return stdout_ ? &*stdout_ : nullptr; }
  /// The parent's end of the child's stderr, or null (Python's stderr). As stdin_pipe().
  pipe_reader* stderr_pipe() noexcept { return stderr_ ? &*stderr_ : nullptr; }

 private:
  friend struct detail::process_state;
  process() noexcept = default;

  int pid_ = -1;
  std::shared_ptr<detail::process_state> state_;  // shared with the loop's reaper task
  std::optional<pipe_writer> stdin_;
  std::optional<pipe_reader> stdout_;
  std::optional<pipe_reader> stderr_;
};

/// Starts `program` with `args` (argv[1] on) (Python's create_subprocess_exec(program, *args)).
/// `program` without a slash is looked up on PATH. The child runs at once (this suspends
/// nothing: posix_spawn returns once the program is executing or failed to).
/// Throws spawn_error (no such program, not executable, bad cwd: the errno), os_error if a pipe
/// or the pidfd cannot be made (nothing is left open or running then), event_loop_error outside
/// a running loop, std::bad_alloc. Loop-thread only.
/// **Cancel safety**: no cancellation point.
task<process> create_subprocess_exec(std::string program,
                                     std::vector<std::string> args = std::vector<std::string>(),
                                     subprocess_options options = subprocess_options());

/// Runs `command` through /bin/sh -c (Python's create_subprocess_shell). As
/// create_subprocess_exec; a command the shell cannot find is exit status 127, not spawn_error.
task<process> create_subprocess_shell(std::string command,
                                      subprocess_options options = subprocess_options());

}  // namespace braid::asyncio
