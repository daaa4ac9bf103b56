#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <vector>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/streams.hpp"
#include "net/stream_state.hpp"

namespace braid::asyncio {

namespace {
using detail::stream_state;

stream_state& checked(const std::shared_ptr<stream_state>& s) {
  if (!s) throw invalid_state_error("this stream_writer is empty");
  return *s;
}

void check_writable(stream_state& s) {
  if (s.closing || s.closed) throw invalid_state_error("write to a closed stream");
  if (s.eof_requested) throw invalid_state_error("write after write_eof()");
}

[[noreturn]] void throw_write_error(stream_state& s) {
  throw_connection_error(s.write_errno, "send to", s.peer);
}
}  // namespace

void stream_writer::write(std::string_view data) {
  stream_state& s = checked(s_);
  check_writable(s);
  if (data.empty() || s.write_errno != 0) return;  // a broken connection reports at drain()
  if (s.tls) {
    s.tls->write({reinterpret_cast<const std::byte*>(data.data()), data.size()});
    s.tls_output();
    return;
  }
  if (s.queued() == 0 && !s.flusher.armed) {
    // Nothing ahead of it: send straight from the caller's memory, queue only the rest.
    const long r = ::send(s.fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r >= 0) {
      data.remove_prefix(static_cast<std::size_t>(r));
    } else if (errno != EAGAIN && errno != EINTR) {
      s.on_sent(-errno);
      return;
    }
    if (data.empty()) return;
  }
  s.pending.append(data);
  s.update_pressure();
  s.flush();
}

void stream_writer::write_lines(std::span<const std::string_view> buffers) {
  stream_state& s = checked(s_);
  check_writable(s);
  if (s.write_errno != 0) return;
  if (s.tls) {
    for (auto b : buffers) write(b);
    return;
  }
  std::size_t skip = 0;  // bytes the sendmsg took
  if (s.queued() == 0 && !s.flusher.armed) {
    std::vector<::iovec> iov;
    iov.reserve(buffers.size());
    for (auto b : buffers) {
      if (!b.empty()) iov.push_back({const_cast<char*>(b.data()), b.size()});
    }
    if (iov.empty()) return;
    ::msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = iov.size() > IOV_MAX ? IOV_MAX : iov.size();
    const long r = ::sendmsg(s.fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r >= 0) {
      skip = static_cast<std::size_t>(r);
    } else if (errno != EAGAIN && errno != EINTR) {
      s.on_sent(-errno);
      return;
    }
  }
  for (auto b : buffers) {
    if (skip >= b.size()) {
      skip -= b.size();
      continue;
    }
    s.pending.append(b.substr(skip));
    skip = 0;
  }
  s.update_pressure();
  s.flush();
}

task<void> stream_writer::drain() {
  stream_state& s = checked(s_);
  auto keep = s_;
  if (s.write_errno != 0) throw_write_error(s);
  while (s.paused && !s.closed && s.write_errno == 0) co_await s.resumed.wait();
  if (s.write_errno != 0) throw_write_error(s);
}

namespace {
// TLS's end of data: close_notify, queued before the FIN or the close.
void send_close_notify(stream_state& s) noexcept {
  if (!s.tls || !s.tls->handshake_done() || s.write_errno != 0) return;
  try {
    s.tls->shutdown();
  } catch (...) {
    return;  // the connection closes anyway
  }
  s.tls_output();
}
}  // namespace

void stream_writer::write_eof() noexcept {
  if (!s_ || s_->closed || s_->eof_requested) return;
  send_close_notify(*s_);
  s_->eof_requested = true;
  s_->flush();
}

void stream_writer::close() noexcept {
  if (!s_ || s_->closing || s_->closed) return;
  if (!s_->eof_requested) send_close_notify(*s_);
  s_->closing = true;
  if (s_->write_errno != 0) {
    s_->close_now(false);
    return;
  }
  s_->flush();  // closes once the queue is empty (now, if it is)
  if (s_->closed || !s_->tls) return;
  // TLS: a peer that stops reading must not keep the connection forever.
  try {
    std::weak_ptr<stream_state> weak = s_;
    s_->shutdown_timer = s_->loop->call_later(s_->shutdown_timeout, [weak] {
      if (auto s = weak.lock()) s->close_now(true);
    });
  } catch (...) {
    s_->close_now(true);  // no timer (a closed loop, no memory): do not wait at all
  }
}

void stream_writer::abort() noexcept {
  if (s_) s_->close_now(true);
}

bool stream_writer::is_closing() const noexcept {
  return s_ && (s_->closing || s_->closed);
}

task<void> stream_writer::wait_closed() {
  stream_state& s = checked(s_);
  auto keep = s_;
  while (!s.closed) co_await s.closed_event.wait();
}

task<std::size_t> stream_writer::sendfile(int file_fd, std::uint64_t offset, std::size_t count) {
  stream_state& s = checked(s_);
  auto keep = s_;
  check_writable(s);
  if (s.tls) throw invalid_state_error("sendfile on a TLS stream: the kernel cannot encrypt");
  // What was written before goes first: wait until the queue is empty.
  while (s.queued() > 0 && s.write_errno == 0 && !s.closed) co_await s.flushed.wait();
  if (s.write_errno != 0) throw_write_error(s);
  if (s.closed) throw invalid_state_error("sendfile on a closed stream");
  auto off = static_cast<::off_t>(offset);
  std::size_t total = 0;
  while (total < count) {
    const ::ssize_t r = ::sendfile(s.fd, file_fd, &off, count - total);
    if (r > 0) {
      total += static_cast<std::size_t>(r);
      continue;
    }
    if (r == 0) break;  // the file ended
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      const int e = errno;
      if (e == EPIPE || e == ECONNRESET) throw_connection_error(e, "sendfile to", s.peer);
      throw os_error(e, "sendfile");
    }
    const long w = co_await detail::poll_op(s.fd, true);
    if (w < 0) throw_connection_error(static_cast<int>(-w), "sendfile to", s.peer);
  }
  co_return total;
}

std::size_t stream_writer::write_buffer_size() const noexcept {
  return s_ ? s_->queued() : 0;
}

void stream_writer::set_write_buffer_limits(std::size_t high, std::size_t low) noexcept {
  if (!s_) return;
  s_->high_water = high;
  s_->low_water = low > high ? high : low;
  s_->update_pressure();
}

void stream_writer::set_tcp_nodelay(bool on) {
  set_socket_option(IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
}

void stream_writer::set_socket_option(int level, int name, int value) {
  stream_state& s = checked(s_);
  if (s.fd < 0) throw invalid_state_error("the stream is closed");
  if (::setsockopt(s.fd, level, name, &value, sizeof value) < 0)
    throw os_error(errno, "setsockopt");
}

socket_address stream_writer::peer_address() const noexcept {
  return s_ ? s_->peer : socket_address();
}
socket_address stream_writer::local_address() const noexcept {
  return s_ ? s_->local : socket_address();
}
int stream_writer::fileno() const noexcept {
  return s_ ? s_->fd : -1;
}
bool stream_writer::is_tls() const noexcept {
  return s_ && s_->tls;
}
std::string stream_writer::alpn_protocol() const {
  return s_ && s_->tls ? s_->tls->alpn_protocol() : std::string();
}

}  // namespace braid::asyncio
