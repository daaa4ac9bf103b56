#include "spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "braid/error.hpp"

extern char** environ;

namespace braid::asyncio::detail {

namespace {

/// Descriptors closed on every exit path unless released (the parent's ends once handed out).
class fd_guard {
 public:
  fd_guard() noexcept = default;
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  fd_guard(fd_guard&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  fd_guard& operator=(fd_guard&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~fd_guard() { reset(); }
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

struct file_actions {
  posix_spawn_file_actions_t fa;
  file_actions() { check(posix_spawn_file_actions_init(&fa), "posix_spawn_file_actions_init"); }
  ~file_actions() { posix_spawn_file_actions_destroy(&fa); }
  file_actions(const file_actions&) = delete;
  file_actions& operator=(const file_actions&) = delete;
  static void check(int rc, const char* what) {
    if (rc != 0) throw os_error(rc, what);
  }
  void dup2(int from, int to) { check(posix_spawn_file_actions_adddup2(&fa, from, to), "adddup2"); }
  void open(int to, const char* path, int flags) {
    check(posix_spawn_file_actions_addopen(&fa, to, path, flags, 0), "addopen");
  }
  void chdir(const std::string& dir) {
    check(posix_spawn_file_actions_addchdir_np(&fa, dir.c_str()), "addchdir");
  }
};

struct spawn_attributes {
  posix_spawnattr_t attr;
  spawn_attributes() {
    file_actions::check(posix_spawnattr_init(&attr), "posix_spawnattr_init");
    // The loop thread may block signals (add_signal_handler does), and the program may ignore
    // SIGPIPE: neither is the child's business (Python's restore_signals does the same).
    sigset_t none;
    sigemptyset(&none);
    sigset_t reset;
    sigemptyset(&reset);
    sigaddset(&reset, SIGPIPE);
    sigaddset(&reset, SIGXFSZ);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &reset);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~spawn_attributes() { posix_spawnattr_destroy(&attr); }
  spawn_attributes(const spawn_attributes&) = delete;
  spawn_attributes& operator=(const spawn_attributes&) = delete;
};

/// A pipe whose child end is above 2: dup2 onto its own number would keep close-on-exec set,
/// and a parent that closed its stdin would otherwise get the child end as fd 0.
struct child_pipe {
  fd_guard parent;
  fd_guard child;
};

child_pipe make_pipe(bool child_reads) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw os_error(errno, "pipe2");
  fd_guard r(fds[0]);
  fd_guard w(fds[1]);
  child_pipe p;
  p.parent = std::move(child_reads ? w : r);
  p.child = std::move(child_reads ? r : w);
  if (p.child.get() < 3) {
    const int moved = ::fcntl(p.child.get(), F_DUPFD_CLOEXEC, 3);
    if (moved < 0) throw os_error(errno, "fcntl(F_DUPFD_CLOEXEC)");
    p.child.reset(moved);
  }
  const int flags = ::fcntl(p.parent.get(), F_GETFL);
  if (flags < 0 || ::fcntl(p.parent.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    throw os_error(errno, "fcntl(O_NONBLOCK)");
  }
  return p;
}

/// Sets up child descriptor `target` (0, 1 or 2) as `mode` says; returns the parent's pipe end.
fd_guard redirect(file_actions& fa, int target, const stdio& mode, std::vector<fd_guard>& keep) {
  switch (mode.what) {
    case stdio::kind::inherit:
      return {};
    case stdio::kind::devnull:
      fa.open(target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY);
      return {};
    case stdio::kind::to_stdout:
      if (target != 2) throw value_error("stdio::to_stdout() is for stderr only");
      fa.dup2(1, 2);
      return {};
    case stdio::kind::fd:
      if (mode.descriptor < 0) throw value_error("stdio::fd() with a negative descriptor");
      fa.dup2(mode.descriptor, target);
      return {};
    case stdio::kind::pipe: {
      child_pipe p = make_pipe(target == 0);
      fa.dup2(p.child.get(), target);
      keep.push_back(std::move(p.child));  // closed in the parent once the child runs
      return std::move(p.parent);
    }
  }
  throw value_error("unknown stdio kind");
}

/// Reaps a child that braid cannot watch (no pidfd): kill it and wait, so nothing is left.
void kill_and_reap(pid_t pid) noexcept {
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

spawned_child spawn_child(const std::vector<std::string>& argv, const subprocess_options& options) {
  file_actions fa;
  std::vector<fd_guard> child_ends;
  fd_guard in = redirect(fa, 0, options.stdin_mode, child_ends);
  fd_guard out = redirect(fa, 1, options.stdout_mode, child_ends);
  fd_guard err = redirect(fa, 2, options.stderr_mode, child_ends);
  if (options.cwd) fa.chdir(*options.cwd);
  spawn_attributes attr;

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  if (options.env) {
    env_strings.reserve(options.env->size());
    for (const auto& [k, v] : *options.env) env_strings.push_back(k + "=" + v);
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
  }

  pid_t pid = -1;
  // glibc's posix_spawn runs the child with CLONE_VFORK and reports a failed exec as the return
  // value (having reaped that child itself): ENOENT for a missing program, as Python's
  // FileNotFoundError.
  const int rc = ::posix_spawnp(&pid, argv[0].c_str(), &fa.fa, &attr.attr, args.data(),
                                options.env ? envp.data() : environ);
  if (rc != 0) throw spawn_error(rc, argv[0]);
  child_ends.clear();

  // The child is ours and unreaped (a zombie at worst), so its pid cannot be reused before the
  // pidfd refers to it.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // close-on-exec
  if (pidfd < 0) {
    const int e = errno;
    kill_and_reap(pid);
    throw os_error(e, "pidfd_open");
  }
  spawned_child c;
  c.pid = pid;
  c.pidfd = pidfd;
  c.in = in.release();
  c.out = out.release();
  c.err = err.release();
  return c;
}

}  // namespace braid::asyncio::detail
