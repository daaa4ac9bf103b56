#include "net/stream_state.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "braid/asyncio/event_loop.hpp"
#include "net/socket_util.hpp"

namespace braid::asyncio::detail {

namespace {
constexpr std::size_t read_chunk = 64 * 1024;

}  // namespace

stream_state::stream_state(event_loop& l, int socket, std::size_t read_limit)
    : loop(&l), fd(socket), limit(read_limit) {
  resumed.set();
  flushed.set();
}

stream_state::~stream_state() {
  close_now(false);
  // The flusher's cancelled send may still be on its way back (io_uring): wait it out, since
  // the operation lives in this object.
  if (flusher.armed) loop_access::abandon_io(*loop, flusher);
}

std::shared_ptr<stream_state> make_stream(event_loop& loop, int fd, std::size_t limit,
                                          bool nodelay) {
  std::shared_ptr<stream_state> s;
  try {
    s = std::make_shared<stream_state>(loop, fd, limit);
  } catch (...) {
    ::close(fd);
    throw;
  }
  s->peer = peer_address_of(fd);
  s->local = local_address_of(fd);
  s->tcp = s->local.family() == address_family::ipv4 || s->local.family() == address_family::ipv6;
  if (s->tcp && nodelay) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  loop_access::attach_fd(loop, fd);
  return s;
}

void stream_state::reserve_read(std::size_t n) {
  if (rbegin == rend) rbegin = rend = 0;
  if (rcap - rend >= n) return;
  if (rbegin > 0) {  // compact: unread bytes to the front
    std::memmove(rbuf.get(), rbuf.get() + rbegin, unread());
    rend -= rbegin;
    rbegin = 0;
  }
  if (rcap - rend >= n) return;
  const std::size_t cap = rend + (n < read_chunk ? read_chunk : n);
  std::unique_ptr<char[]> bigger(new char[cap]);  // default-initialised: not touched
  if (rend > 0) std::memcpy(bigger.get(), rbuf.get(), rend);
  rbuf = std::move(bigger);
  rcap = cap;
}

std::string stream_state::take(std::size_t n) {
  std::string out(rbuf.get() + rbegin, n);
  rbegin += n;
  if (rbegin == rend) rbegin = rend = 0;
  return out;
}

void stream_state::flush() noexcept {
  while (!flusher.armed && !closed && write_errno == 0) {
    if (sent == sending.size()) {
      sending.clear();
      sent = 0;
      sending.swap(pending);
    }
    if (sending.empty()) {
      if (eof_requested && !eof_sent) {
        eof_sent = true;
        ::shutdown(fd, SHUT_WR);
      }
      if (closing) close_now(false);
      return;
    }
    flusher.kind = io_kind::send;
    flusher.fd = fd;
    flusher.flags = 0;
    flusher.buffer = sending.data() + sent;
    flusher.length = sending.size() - sent;
    if (!loop_access::try_io(*loop, flusher)) {
      loop_access::submit_io(*loop, flusher);  // completes in stream_flusher::run
      return;
    }
    on_sent(flusher.result);
  }
}

void stream_state::on_sent(long result) noexcept {
  if (result < 0) {
    if (result == -ECANCELED && closed) return;
    write_errno = static_cast<int>(-result);
    sending.clear();
    pending.clear();
    sent = 0;
    paused = false;
    resumed.set();  // drain() and sendfile() wake to report the error
    flushed.set();
    return;
  }
  sent += static_cast<std::size_t>(result);
  update_pressure();
}

void stream_state::update_pressure() noexcept {
  const std::size_t q = queued();
  if (q == 0) {
    flushed.set();
  } else {
    flushed.clear();
  }
  if (!paused && q > high_water) {
    paused = true;
    resumed.clear();
  } else if (paused && q <= low_water) {
    paused = false;
    resumed.set();
  }
}

void stream_state::close_now(bool reset) noexcept {
  if (closed) return;
  closed = true;
  shutdown_timer.cancel();
  if (fd >= 0) {
    if (reset && tcp) {
      ::linger lg{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    // Operations still queued on the socket (a read, the flusher) complete as cancelled: the
    // backend lets go of them before the descriptor number can be reused.
    loop_access::detach_fd(*loop, fd);
    ::close(fd);
    fd = -1;
  }
  sending.clear();
  pending.clear();
  sent = 0;
  paused = false;
  resumed.set();
  flushed.set();
  closed_event.set();
}

void stream_flusher::run() noexcept {
  state_.on_sent(result);
  state_.flush();
}

}  // namespace braid::asyncio::detail
