#include "braid/asyncio/pipe_reader.hpp"

#include <unistd.h>

#include <cerrno>
#include <utility>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/fd_wait.hpp"

namespace braid::asyncio {

namespace {
// One read(2) per 64 KiB: a pipe holds 64 KiB by default, so one call usually empties it.
constexpr std::size_t chunk = 64 * 1024;
}  // namespace

pipe_reader::pipe_reader(pipe_reader&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      buffer_(std::move(o.buffer_)),
      head_(std::exchange(o.head_, 0)),
      eof_(o.eof_) {
  o.buffer_.clear();
}

pipe_reader& pipe_reader::operator=(pipe_reader&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    buffer_ = std::move(o.buffer_);
    o.buffer_.clear();
    head_ = std::exchange(o.head_, 0);
    eof_ = o.eof_;
  }
  return *this;
}

pipe_reader::~pipe_reader() {
  close();
}

void pipe_reader::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
  head_ = 0;
  eof_ = true;
}

task<bool> pipe_reader::fill() {
  if (fd_ < 0 || eof_) co_return false;
  for (;;) {
    const std::size_t old = buffer_.size();
    buffer_.resize(old + chunk);
    const ssize_t n = ::read(fd_, buffer_.data() + old, chunk);
    const int err = errno;
    buffer_.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n > 0) co_return true;
    if (n == 0) {
      eof_ = true;
      co_return false;
    }
    if (err == EINTR) continue;
    if (err != EAGAIN) throw os_error(err, "read from pipe");
    co_await wait_readable(fd_);
  }
}

std::string pipe_reader::take(std::size_t n) {
  const std::size_t have = buffer_.size() - head_;
  if (head_ == 0 && n >= have) return std::exchange(buffer_, std::string());
  std::string out = buffer_.substr(head_, n);
  head_ += out.size();
  // Returned bytes are dropped once they are most of the buffer: many small reads of a large
  // buffer stay linear.
  if (head_ == buffer_.size()) {
    buffer_.clear();
    head_ = 0;
  } else if (head_ > buffer_.size() / 2) {
    buffer_.erase(0, head_);
    head_ = 0;
  }
  return out;
}

task<std::string> pipe_reader::read(std::size_t n) {
  if (n == 0) co_return std::string();
  if (n == to_eof) {
    for (;;) {
      const bool more = co_await fill();
      if (!more) break;
    }
    co_return take(to_eof);
  }
  if (buffered() == 0) {
    const bool got = co_await fill();
    if (!got) co_return std::string();
  }
  co_return take(n);
}

task<std::string> pipe_reader::read_until(std::string separator) {
  if (separator.empty()) throw value_error("read_until: the separator is empty");
  std::size_t searched = head_;  // the separator does not start before this offset
  for (;;) {
    const auto at = buffer_.find(separator, searched);
    if (at != std::string::npos) co_return take(at + separator.size() - head_);
    if (buffer_.size() - head_ >= separator.size()) {
      searched = buffer_.size() - separator.size() + 1;
    }
    const bool more = co_await fill();  // appends only: head_ and `searched` stay valid
    if (!more) co_return take(to_eof);
  }
}

}  // namespace braid::asyncio
