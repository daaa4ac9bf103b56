#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/fd_wait.hpp"
#include "braid/asyncio/subprocess.hpp"
#include "braid/asyncio/task_group.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "spawn.hpp"

namespace braid::asyncio {

namespace detail {

/// What a process object and the loop's reaper task share. The reaper alone waits on the pidfd
/// (one waiter per descriptor) and closes it; wait() waits for `exited`.
struct process_state {
  int pid = -1;
  int pidfd = -1;
  std::optional<int> returncode;
  event exited;

  /// Still unreaped only if the reaper never ran (its loop closed before its first step): kill
  /// and reap here rather than leave a zombie.
  ~process_state() {
    if (pidfd < 0) return;
    ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    try_reap(true);
  }

  /// Reaps the child if it exited; true then. Never blocks unless `block`.
  bool try_reap(bool block) noexcept {
    siginfo_t info{};
    for (;;) {
      const int options = WEXITED | (block ? 0 : WNOHANG);
      if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, options) == 0) {
        break;
      }
      if (errno == EINTR) continue;
      // ECHILD: someone else reaped it (SIGCHLD ignored, waitpid(-1)); Python reports 255.
      finish(255);
      return true;
    }
    if (info.si_pid == 0) return false;  // WNOHANG: still running
    finish(info.si_code == CLD_EXITED ? info.si_status : -info.si_status);
    return true;
  }

  void finish(int code) noexcept {
    returncode = code;
    ::close(pidfd);
    pidfd = -1;
    exited.set();
  }

  /// Starts the child and its reaper task on the running loop.
  static process start(const std::vector<std::string>& argv, const subprocess_options& options);
};

namespace {

/// Waits on the pidfd until the child exited and reaps it. True if cancelled first.
task<bool> wait_and_reap(process_state& s) {
  try {
    for (;;) {
      co_await wait_readable(s.pidfd);
      if (s.try_reap(false)) co_return false;
    }
  } catch (const cancelled_error&) {
  }
  co_return true;
}

/// The reaper's hold on the state. Its destructor runs when the reaper's frame goes, and that
/// is also when a reaper cancelled before its first step goes (its loop closed first): a child
/// not reaped by then is killed and reaped here, a wait that SIGKILL keeps short.
struct reaper_hold {
  std::shared_ptr<process_state> state;
  explicit reaper_hold(std::shared_ptr<process_state> s) noexcept : state(std::move(s)) {}
  reaper_hold(reaper_hold&& o) noexcept = default;
  reaper_hold(const reaper_hold&) = delete;
  reaper_hold& operator=(const reaper_hold&) = delete;
  reaper_hold& operator=(reaper_hold&&) = delete;
  ~reaper_hold() {
    if (!state || state->returncode) return;
    ::syscall(SYS_pidfd_send_signal, state->pidfd, SIGKILL, nullptr, 0);
    state->try_reap(true);
  }
};

/// The loop's reaper of one child, detached: only close() and cancel_all_tasks() cancel it
/// (nobody else has its handle), which means the loop is ending. The child is then killed and
/// reaped on the loop; if that wait is cancelled too, reaper_hold reaps it.
task<void> reap(reaper_hold hold) {
  process_state& s = *hold.state;
  const bool cancelled = co_await wait_and_reap(s);
  if (!cancelled) co_return;
  ::syscall(SYS_pidfd_send_signal, s.pidfd, SIGKILL, nullptr, 0);
  co_await wait_and_reap(s);
}

task<void> feed(pipe_writer* in, std::string input) {
  try {
    if (!input.empty()) {
      in->write(input);
      co_await in->drain();
    }
  } catch (const os_error& e) {
    // A child that exits without reading all its input is no error (Python ignores these too).
    if (e.code() != std::errc::broken_pipe && e.code() != std::errc::connection_reset) throw;
  }
  in->close();
}

task<void> drain_into(pipe_reader* from, std::string* to) {
  *to = co_await from->read();
}

}  // namespace

process process_state::start(const std::vector<std::string>& argv,
                             const subprocess_options& options) {
  event_loop& loop = event_loop::running();
  const spawned_child c = spawn_child(argv, options);
  process p;
  p.pid_ = c.pid;
  if (c.in >= 0) p.stdin_.emplace(c.in);
  if (c.out >= 0) p.stdout_.emplace(c.out);
  if (c.err >= 0) p.stderr_.emplace(c.err);
  try {
    p.state_ = std::make_shared<process_state>();
  } catch (...) {
    ::syscall(SYS_pidfd_send_signal, c.pidfd, SIGKILL, nullptr, 0);
    siginfo_t info{};
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(c.pidfd), &info, WEXITED);
    ::close(c.pidfd);
    throw;
  }
  p.state_->pid = c.pid;
  p.state_->pidfd = c.pidfd;
  // If the reaper cannot be started, the state's destructor kills and reaps the child.
  auto h = loop.create_task(reap(reaper_hold(p.state_)), "subprocess " + std::to_string(c.pid));
  std::move(h).detach();
  return p;
}

}  // namespace detail

spawn_error::spawn_error(int errno_value, std::string program)
    : os_error(errno_value, "cannot run '" + program + "'"), program_(std::move(program)) {}

process::process(process&& o) noexcept = default;
process& process::operator=(process&& o) noexcept = default;
process::~process() = default;

std::optional<int> process::returncode() const noexcept {
  return state_ ? state_->returncode : std::nullopt;
}

task<int> process::wait() {
  std::shared_ptr<detail::process_state> s = state_;  // the frame keeps the state
  if (!s) throw invalid_state_error("wait() on a moved-from process");
  if (!s->returncode) co_await s->exited.wait();
  co_return *s->returncode;
}

task<communicate_result> process::communicate(std::string input) {
  if (!input.empty() && !stdin_) throw value_error("communicate(input) needs stdin as a pipe");
  communicate_result result;
  pipe_writer* in = stdin_pipe();
  pipe_reader* out = stdout_pipe();
  pipe_reader* err = stderr_pipe();
  try {
    // One task per descriptor: each pipe has its own single waiter.
    co_await with_task_group([&](task_group& tg) -> task<void> {
      if (in && !in->is_closing()) tg.create_task(detail::feed(in, std::move(input)));
      if (out) tg.create_task(detail::drain_into(out, &result.out));
      if (err) tg.create_task(detail::drain_into(err, &result.err));
      co_return;
    });
  } catch (const exception_group& g) {
    std::rethrow_exception(g.exceptions().front());  // one failure: the pipe's own error
  }
  co_await wait();
  co_return result;
}

void process::send_signal(int signo) {
  if (!state_ || state_->returncode) return;
  if (::syscall(SYS_pidfd_send_signal, state_->pidfd, signo, nullptr, 0) != 0 && errno != ESRCH) {
    throw os_error(errno, "pidfd_send_signal");
  }
}

void process::terminate() {
  send_signal(SIGTERM);
}

void process::kill() {
  send_signal(SIGKILL);
}

task<process> create_subprocess_exec(std::string program, std::vector<std::string> args,
                                     subprocess_options options) {
  std::vector<std::string> argv;
  argv.reserve(args.size() + 1);
  argv.push_back(std::move(program));
  for (auto& a : args) argv.push_back(std::move(a));
  co_return detail::process_state::start(argv, options);
}

task<process> create_subprocess_shell(std::string command, subprocess_options options) {
  std::vector<std::string> argv;
  argv.push_back("/bin/sh");
  argv.push_back("-c");
  argv.push_back(std::move(command));
  co_return detail::process_state::start(argv, options);
}

}  // namespace braid::asyncio
