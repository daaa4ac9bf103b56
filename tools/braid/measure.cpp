#include "measure.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

namespace braid::tool {
namespace {

template <class T, class Field>
T median_of(std::span<const measurement> runs, Field field) {
  std::vector<T> values;
  values.reserve(runs.size());
  for (const auto& run : runs) values.push_back(static_cast<T>(run.*field));
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) return values[mid];
  return (values[mid - 1] + values[mid]) / 2;
}

[[noreturn]] void throw_errno(int error, const char* what) {
  throw std::system_error(error, std::generic_category(), what);
}

/// Closes a file descriptor when it goes out of scope.
class fd_guard {
 public:
  explicit fd_guard(int fd) noexcept : fd_(fd) {}
  ~fd_guard() { close_now(); }
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }
  void close_now() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

pid_t spawn_self(const std::vector<std::string>& args, int stdout_fd) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  if (int rc = posix_spawn_file_actions_init(&actions); rc != 0) throw_errno(rc, "spawn");
  int rc = posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  pid_t pid = -1;
  if (rc == 0) rc = posix_spawn(&pid, "/proc/self/exe", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw_errno(rc, "cannot start /proc/self/exe");
  return pid;
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return out;
    } else if (errno != EINTR) {
      throw_errno(errno, "reading a child's output");
    }
  }
}

}  // namespace

double process_cpu_seconds() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  // Plus the reaped child processes': a process pool's workers do the work, and the pool waits
  // for them before the measurement ends.
  rusage children{};
  ::getrusage(RUSAGE_CHILDREN, &children);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9 +
         seconds(children.ru_utime) + seconds(children.ru_stime);
}

std::int64_t children_peak_rss_kib() noexcept {
  rusage usage{};
  ::getrusage(RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss;  // the largest reaped child's, in KiB
}

std::int64_t process_peak_rss_kib() noexcept {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

measurement median(std::span<const measurement> runs) {
  if (runs.empty()) throw std::invalid_argument("median of no measurements");
  return {.wall_s = median_of<double>(runs, &measurement::wall_s),
          .cpu_s = median_of<double>(runs, &measurement::cpu_s),
          .peak_rss_kib = median_of<std::int64_t>(runs, &measurement::peak_rss_kib),
          .baseline_rss_kib = median_of<std::int64_t>(runs, &measurement::baseline_rss_kib),
          .threads = median_of<std::size_t>(runs, &measurement::threads),
          .checksum = runs.front().checksum};
}

child_output run_isolated(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno(errno, "pipe");
  fd_guard read_end(fds[0]);
  fd_guard write_end(fds[1]);
  const pid_t pid = spawn_self(args, write_end.get());
  write_end.close_now();  // so that read_all sees end-of-file when the child exits

  child_output result;
  int status = 0;
  rusage usage{};
  try {
    result.out = read_all(read_end.get());
  } catch (...) {
    ::wait4(pid, &status, 0, &usage);
    throw;
  }
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw_errno(errno, "waiting for a child");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(WIFSIGNALED(status)
                                 ? fmt::format("child `{}` was killed by signal {}",
                                               fmt::join(args, " "), WTERMSIG(status))
                                 : fmt::format("child `{}` exited with status {}",
                                               fmt::join(args, " "), WEXITSTATUS(status)));
  }
  result.peak_rss_kib = usage.ru_maxrss;
  return result;
}

}  // namespace braid::tool
