// Starting worker processes: posix_spawn of /proc/self/exe, or a fork server.

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "braid/error.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "detail/wire.hpp"
#include "detail/worker.hpp"

extern char** environ;

namespace braid::multiprocessing::detail {
namespace {

[[noreturn]] void throw_errno(int error, const char* what) {
  throw os_error(error, what);
}

void make_socket_pair(int& parent_end, int& child_end) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw_errno(errno, "braid: socketpair");
  }
  // Bigger buffers let a large argument or result cross in fewer wake-ups (the kernel caps
  // the request at net.core.wmem_max / rmem_max).
  const int size = 1 << 20;
  for (int fd : sv) {
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  parent_end = sv[0];
  child_end = sv[1];
}

int checked_pidfd(pid_t pid) {
  const int fd = open_pidfd(pid);  // always close-on-exec
  if (fd < 0) throw_errno(errno, "braid: pidfd_open");
  return fd;
}

constexpr int worker_fd = 3;

child spawn_child() {
  int parent_end = -1, child_end = -1;
  make_socket_pair(parent_end, child_end);
  // Keep the child's end away from fd 3, where dup2 onto itself would keep close-on-exec.
  const int high = ::fcntl(child_end, F_DUPFD_CLOEXEC, 10);
  ::close(child_end);
  if (high < 0) {
    ::close(parent_end);
    throw_errno(errno, "braid: fcntl");
  }
  child_end = high;

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, child_end, worker_fd);
  ::posix_spawn_file_actions_addclosefrom_np(&actions, worker_fd + 1);  // exactly 0, 1, 2, 3
  ::posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  ::posix_spawnattr_setsigmask(&attr, &none);
  // Every signal to its default action: an ignored SIGTERM (or SIGCHLD, SIGINT...) must not
  // carry over into a worker (terminate_workers() would wait for it for ever).
  sigset_t defaults;
  sigfillset(&defaults);
  ::posix_spawnattr_setsigdefault(&attr, &defaults);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  const std::string marker = std::string(worker_env) + "=" + std::to_string(worker_fd);
  std::vector<char*> env;
  const std::size_t prefix = std::strlen(worker_env) + 1;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, marker.c_str(), prefix) != 0) env.push_back(*e);
  }
  env.push_back(const_cast<char*>(marker.c_str()));
  env.push_back(nullptr);
  char* argv[] = {program_invocation_name, nullptr};

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, env.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  ::close(child_end);
  if (rc != 0) {
    ::close(parent_end);
    throw_errno(rc, "braid: posix_spawn of /proc/self/exe");
  }
  child c{pid, parent_end, -1};
  try {
    c.pidfd = checked_pidfd(pid);
  } catch (...) {
    ::kill(pid, SIGKILL);
    ::close(parent_end);
    int s, e;
    reap(pid, s, e);
    throw;
  }
  return c;
}

// Every signal back to its default action and none blocked: a worker must not inherit an
// ignored SIGTERM (terminate_workers() would wait for ever) or a blocked SIGCHLD.
void reset_signals_in_child() noexcept {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// A status the fork server reports for a worker it reaped.
struct wait_reply {
  std::int32_t signal = 0;
  std::int32_t exit_code = -1;
  std::int32_t known = 0;
};

// The fork server's loop, one request at a time:
// - kind::hello: fork a worker; the reply is a hello with its pid as the message id and the
//   parent's end of its socket as a descriptor (or a fatal message).
// - kind::task with a pid as its id: wait for that worker (the server is its parent); the reply
//   is a result carrying a wait_reply.
// The end of the stream (the pool is gone) ends the server.
//
// Workers are started with a real fork(): this process is single-threaded, and fork() does
// glibc's bookkeeping (the new thread id in the thread descriptor, a registered robust-mutex
// list) that process-shared, robust locks depend on.
[[noreturn]] void serve_forks(int fd) {
  const pid_t self = ::getpid();
  for (;;) {
    header h;
    std::string body;
    bool ok = false;
    try {
      ok = recv_message(fd, h, body, nullptr);
    } catch (...) {
    }
    if (!ok) ::_exit(0);
    try {
      if (h.kind == static_cast<std::uint32_t>(kind::task)) {
        wait_reply reply;
        int signal = 0, exit_code = -1;
        reply.known = reap(static_cast<pid_t>(h.id), signal, exit_code) ? 1 : 0;
        reply.signal = signal;
        reply.exit_code = exit_code;
        send_message(fd, kind::result, h.id,
                     std::string_view(reinterpret_cast<const char*>(&reply), sizeof reply));
        continue;
      }
      int parent_end = -1, child_end = -1;
      try {
        make_socket_pair(parent_end, child_end);
      } catch (...) {
        send_message(fd, kind::fatal, 0, "socketpair failed");
        continue;
      }
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::close(fd);
        ::close(parent_end);
        reset_signals_in_child();
        const int code = run_worker(child_end, self);
        std::fflush(nullptr);
        ::_exit(code);
      }
      ::close(child_end);
      if (pid < 0) {
        ::close(parent_end);
        send_message(fd, kind::fatal, 0, "fork failed");
        continue;
      }
      send_message(fd, kind::hello, static_cast<std::uint64_t>(pid), {}, {parent_end});
      ::close(parent_end);
    } catch (...) {
      ::_exit(0);  // the pool is gone or its socket broke: it sees the end of the stream
    }
  }
}

}  // namespace

int open_pidfd(pid_t pid) noexcept {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

int signal_pidfd(int pidfd, int signal) noexcept {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0));
}

std::size_t thread_count() {
  std::size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
  }
  return n;
}

std::size_t manager_thread_count() {
  std::size_t n = 0;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      const std::string path = std::string("/proc/self/task/") + e->d_name + "/comm";
      if (FILE* f = std::fopen(path.c_str(), "r")) {
        char name[32] = {};
        if (std::fgets(name, sizeof name, f) != nullptr &&
            std::string_view(name).substr(0, std::string_view(name).find('\n')) ==
                manager_thread_name) {
          ++n;
        }
        std::fclose(f);
      }
    }
    ::closedir(d);
  }
  return n;
}

bool reap(pid_t pid, int& signal, int& exit_code) noexcept {
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  signal = 0;
  exit_code = -1;
  if (r == pid && WIFSIGNALED(status)) {
    signal = WTERMSIG(status);
    return true;
  }
  if (r == pid && WIFEXITED(status)) {
    exit_code = WEXITSTATUS(status);
    return true;
  }
  // ECHILD: with SIGCHLD ignored (SIG_IGN or SA_NOCLDWAIT) the kernel reaped it itself.
  return false;
}

fork_server::fork_server() {
  const std::size_t threads = thread_count();
  if (threads != 1) {
    throw start_method_error(
        "braid::multiprocessing: the fork start method needs a single-threaded process, and "
        "this one runs " +
        std::to_string(threads) +
        " threads: a forked child could inherit a lock another thread holds. Create the pool "
        "before starting threads, or use start_method::spawn");
  }
  int parent_end = -1, child_end = -1;
  make_socket_pair(parent_end, child_end);
  std::fflush(nullptr);  // or buffered output would be written again by every worker
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(parent_end);
    ::close(child_end);
    throw_errno(error, "braid: fork");
  }
  if (pid == 0) {
    ::close(parent_end);
    // The server reaps its workers and reports their statuses: it needs SIGCHLD's default
    // action even if the program ignores SIGCHLD (which would make the kernel reap them).
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGCHLD, &dfl, nullptr);
    serve_forks(child_end);
  }
  ::close(child_end);
  pid_ = pid;
  fd_ = parent_end;
}

fork_server::~fork_server() {
  ::close(fd_);
  int s, e;
  reap(pid_, s, e);
}

child fork_server::start_worker() {
  std::lock_guard lock(mutex_);
  if (!send_message(fd_, kind::hello, 0, {})) throw_errno(EPIPE, "braid: fork server");
  header h;
  std::string body;
  std::vector<int> fds;
  if (!recv_message(fd_, h, body, &fds) || h.kind != static_cast<std::uint32_t>(kind::hello) ||
      fds.size() != 1) {
    for (int fd : fds) ::close(fd);
    throw os_error(EIO, "braid: the fork server failed");
  }
  child c{static_cast<pid_t>(h.id), fds[0], -1};
  c.pidfd = checked_pidfd(c.pid);
  return c;
}

bool fork_server::wait(pid_t pid, int& signal, int& exit_code) noexcept {
  signal = 0;
  exit_code = -1;
  try {
    std::lock_guard lock(mutex_);
    if (!send_message(fd_, kind::task, static_cast<std::uint64_t>(pid), {})) return false;
    header h;
    std::string body;
    wait_reply reply;
    if (!recv_message(fd_, h, body, nullptr) ||
        h.kind != static_cast<std::uint32_t>(kind::result) || body.size() != sizeof reply) {
      return false;
    }
    std::memcpy(&reply, body.data(), sizeof reply);
    signal = reply.signal;
    exit_code = reply.exit_code;
    return reply.known != 0;
  } catch (...) {
    return false;
  }
}

bool reap_child(fork_server* server, pid_t pid, int& signal, int& exit_code) noexcept {
  return server != nullptr ? server->wait(pid, signal, exit_code) : reap(pid, signal, exit_code);
}

child start_child(fork_server* server) {
  return server != nullptr ? server->start_worker() : spawn_child();
}

}  // namespace braid::multiprocessing::detail
