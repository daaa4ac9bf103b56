#include "braid/asyncio/pipe_writer.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/fd_wait.hpp"

namespace braid::asyncio {

namespace {
// Writing to a pipe whose reader is gone raises SIGPIPE, which kills the program by default, and
// write(2) has no MSG_NOSIGNAL. So SIGPIPE is blocked in this thread around the write, and one
// the write raised is taken back with sigtimedwait before the mask is restored: the caller gets
// EPIPE only, and the process's SIGPIPE disposition is never touched.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t old;
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  // A SIGPIPE already pending (possible only if this thread blocked it already) is not ours.
  bool pending_before = false;
  if (sigismember(&old, SIGPIPE) == 1) {
    sigset_t pending;
    sigpending(&pending);
    pending_before = sigismember(&pending, SIGPIPE) == 1;
  }
  const ssize_t n = ::write(fd, data, size);
  const int err = errno;
  if (n < 0 && err == EPIPE && !pending_before) {
    const timespec zero{};
    while (::sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = err;
  return n;
}
}  // namespace

pipe_writer::pipe_writer(pipe_writer&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      buffer_(std::move(o.buffer_)),
      head_(std::exchange(o.head_, 0)) {
  o.buffer_.clear();
}

pipe_writer& pipe_writer::operator=(pipe_writer&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    buffer_ = std::move(o.buffer_);
    o.buffer_.clear();
    head_ = std::exchange(o.head_, 0);
  }
  return *this;
}

pipe_writer::~pipe_writer() {
  close();
}

void pipe_writer::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  head_ = 0;
}

void pipe_writer::write(std::string_view data) {
  if (fd_ < 0) throw invalid_state_error("write on a closed pipe_writer");
  if (head_ != buffer_.size()) {  // keep the order: behind what waits already
    buffer_.append(data);
    return;
  }
  while (!data.empty()) {
    const ssize_t n = write_without_sigpipe(fd_, data.data(), data.size());
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) break;
    throw os_error(errno, "write to pipe");
  }
  if (buffer_.empty()) head_ = 0;
  buffer_.append(data);
}

void pipe_writer::flush_some() {
  while (head_ < buffer_.size()) {
    const ssize_t n = write_without_sigpipe(fd_, buffer_.data() + head_, buffer_.size() - head_);
    if (n >= 0) {
      head_ += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) break;
    throw os_error(errno, "write to pipe");
  }
  // Written bytes are dropped in one go, not per write: a 10 MiB buffer is not moved 160 times.
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = 0;
  } else if (head_ > buffer_.size() / 2) {
    buffer_.erase(0, head_);
    head_ = 0;
  }
}

task<void> pipe_writer::drain() {
  while (head_ != buffer_.size()) {
    if (fd_ < 0) throw invalid_state_error("drain on a closed pipe_writer");
    co_await wait_writable(fd_);
    flush_some();
  }
}

}  // namespace braid::asyncio
