#include "braid/multiprocessing/process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "braid/detail/deadline.hpp"
#include "braid/futures/errors.hpp"
#include "detail/wire.hpp"
#include "detail/worker.hpp"

namespace braid::multiprocessing {

process::process(process&& other) noexcept
    : daemon(other.daemon),
      name(std::move(other.name)),
      call_(std::move(other.call_)),
      pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      exitcode_(other.exitcode_) {}

process& process::operator=(process&& other) noexcept {
  if (this != &other) {
    release();
    daemon = other.daemon;
    name = std::move(other.name);
    call_ = std::move(other.call_);
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::exchange(other.pidfd_, -1);
    exitcode_ = other.exitcode_;
  }
  return *this;
}

process::~process() {
  release();
}

void process::release() noexcept {
  if (pidfd_ < 0) return;
  if (!exitcode_) {
    if (daemon) signal(SIGKILL);
    wait_until(std::nullopt);
  }
  ::close(pidfd_);
  pidfd_ = -1;
}

void process::start() {
  if (pid_ != -1) throw futures::invalid_state_error("process: start() called twice");
  if (call_.encoded().fds.size() > detail::max_message_fds) {
    throw transfer_error("process: a call may carry at most " +
                         std::to_string(detail::max_message_fds) + " descriptors, not " +
                         std::to_string(call_.encoded().fds.size()));
  }
  const detail::child c = detail::start_child(nullptr);
  pid_ = c.pid;
  pidfd_ = c.pidfd;
  const std::string hello = detail::encode_hello(detail::worker_mode::process, remote_call{});
  try {
    detail::send_message(c.fd, detail::kind::hello, 0, hello);
    detail::send_message(c.fd, detail::kind::task, 1, call_.encoded().bytes, call_.encoded().fds);
  } catch (...) {  // the child died at once: join() reports its exit code
  }
  ::close(c.fd);
  call_ = remote_call{};  // closes this side's copies of descriptors sent to the child
}

bool process::wait_until(std::optional<std::chrono::steady_clock::time_point> deadline) {
  if (exitcode_) return true;
  for (;;) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = *deadline - std::chrono::steady_clock::now();
      timeout_ms =
          left <= left.zero()
              ? 0
              : static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    pollfd p{pidfd_, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    int sig = 0, code = 0;
    if (!detail::reap(pid_, sig, code)) {
      exitcode_ = exitcode_unknown;
    } else {
      exitcode_ = sig != 0 ? -sig : code;
    }
    return true;
  }
}

void process::join() {
  if (pid_ == -1) throw futures::invalid_state_error("process: join() before start()");
  wait_until(std::nullopt);
}

bool process::join(std::chrono::nanoseconds timeout) {
  if (pid_ == -1) throw futures::invalid_state_error("process: join() before start()");
  return wait_until(braid::detail::deadline_after(timeout));
}

bool process::is_alive() {
  if (pid_ == -1 || exitcode_) return false;
  return !wait_until(std::chrono::steady_clock::now());
}

void process::signal(int sig) {
  if (pid_ != -1 && !exitcode_) detail::signal_pidfd(pidfd_, sig);
}

void process::terminate() {
  signal(SIGTERM);
}
void process::kill() {
  signal(SIGKILL);
}

}  // namespace braid::multiprocessing
