#include <algorithm>
#include <cerrno>
#include <cstring>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/streams.hpp"
#include "net/stream_state.hpp"

namespace braid::asyncio {

namespace {
using detail::stream_state;

stream_state& checked(const std::shared_ptr<stream_state>& s) {
  if (!s) throw invalid_state_error("this stream_reader is empty");
  return *s;
}

// Marks the one read in progress; a second concurrent read is misuse.
class read_guard {
 public:
  explicit read_guard(stream_state& s) : s_(s) {
    if (s.reading) throw invalid_state_error("another task is already reading from this stream");
    s.reading = true;
  }
  ~read_guard() { s_.reading = false; }
  read_guard(const read_guard&) = delete;
  read_guard& operator=(const read_guard&) = delete;

 private:
  stream_state& s_;
};

// The errno of a receive, or 0 and `n` bytes. Our own close reads as end of stream.
std::size_t received(stream_state& s, long r) {
  if (r >= 0) {
    if (r == 0) s.eof = true;
    return static_cast<std::size_t>(r);
  }
  if (r == -ECANCELED || s.closed) {
    s.eof = true;
    return 0;
  }
  throw_connection_error(static_cast<int>(-r), "recv from", s.peer);
}

// Decrypts more into the buffer, receiving ciphertext as needed; 0 at end of stream. A peer
// that closes without close_notify ends the stream too, as Python's asyncio treats it.
task<std::size_t> fill_tls(stream_state& s) {
  for (;;) {
    s.reserve_read(16 * 1024);
    const auto rr =
        s.tls->read({reinterpret_cast<std::byte*>(s.rbuf.get() + s.rend), s.rcap - s.rend});
    s.tls_output();  // a TLS 1.3 key update or ticket may want an answer
    using status = detail::tls_engine::read_status;
    if (rr.status == status::data) {
      s.rend += rr.bytes;
      co_return rr.bytes;
    }
    if (rr.status != status::want_read) {
      s.eof = true;
      co_return 0;
    }
    if (s.closed) {
      s.eof = true;
      co_return 0;
    }
    const bool open = co_await detail::receive_ciphertext(s, "recv from");
    if (!open) {  // our own close
      s.eof = true;
      co_return 0;
    }
  }
}

// Receives more into the buffer; 0 at end of stream.
task<std::size_t> fill(stream_state& s) {
  if (s.eof || s.closed) {
    s.eof = true;
    co_return 0;
  }
  if (s.tls) co_return co_await fill_tls(s);
  s.reserve_read(16 * 1024);
  const long r = co_await detail::recv_op(s.fd, s.rbuf.get() + s.rend, s.rcap - s.rend);
  const std::size_t n = received(s, r);
  s.rend += n;
  co_return n;
}
}  // namespace

bool stream_reader::at_eof() const noexcept {
  return s_ && s_->eof && s_->unread() == 0;
}
std::size_t stream_reader::limit() const noexcept {
  return s_ ? s_->limit : 0;
}
std::size_t stream_reader::buffered() const noexcept {
  return s_ ? s_->unread() : 0;
}

task<std::string> stream_reader::read(std::ptrdiff_t n) {
  stream_state& s = checked(s_);
  auto keep = s_;  // the state outlives this coroutine even if the handle is reassigned
  read_guard guard(s);
  if (n == 0) co_return std::string();
  if (n < 0) {
    for (;;) {
      const std::size_t got = co_await fill(s);
      if (got == 0) break;
    }
    co_return s.take(s.unread());
  }
  if (s.unread() == 0) co_await fill(s);
  co_return s.take(std::min(s.unread(), static_cast<std::size_t>(n)));
}

task<std::string> stream_reader::read_exactly(std::size_t n) {
  stream_state& s = checked(s_);
  auto keep = s_;
  read_guard guard(s);
  while (s.unread() < n) {
    if (s.rcap - s.rbegin < n) s.reserve_read(n - s.unread());
    const std::size_t got = co_await fill(s);
    if (got == 0) throw incomplete_read_error(s.take(s.unread()), n);
  }
  co_return s.take(n);
}

task<std::string> stream_reader::read_until(std::string separator) {
  if (separator.empty()) throw value_error("read_until needs a non-empty separator");
  stream_state& s = checked(s_);
  auto keep = s_;
  read_guard guard(s);
  std::size_t searched = 0;  // offset (from rbegin) before which no separator starts
  for (;;) {
    const char* begin = s.rbuf.get() + s.rbegin;
    const std::string_view data(begin, s.unread());
    const std::size_t at = data.find(separator, searched);
    if (at != std::string_view::npos) {
      const std::size_t end = at + separator.size();
      if (end > s.limit) {
        throw limit_overrun_error("separator found, but the chunk is longer than the limit", at);
      }
      co_return s.take(end);
    }
    if (s.unread() > s.limit) {
      throw limit_overrun_error("separator not found, and the chunk exceeds the limit", s.unread());
    }
    searched = s.unread() >= separator.size() ? s.unread() - separator.size() + 1 : 0;
    const std::size_t got = co_await fill(s);
    if (got == 0) throw incomplete_read_error(s.take(s.unread()), 0);
  }
}

task<std::string> stream_reader::read_line() {
  try {
    co_return co_await read_until("\n");
  } catch (const incomplete_read_error& e) {
    co_return e.partial();
  }
}

task<std::size_t> stream_reader::read_into(std::span<std::byte> into) {
  stream_state& s = checked(s_);
  auto keep = s_;
  read_guard guard(s);
  if (into.empty()) co_return 0;
  if (s.unread() > 0) {
    const std::size_t n = std::min(into.size(), s.unread());
    std::memcpy(into.data(), s.rbuf.get() + s.rbegin, n);
    s.rbegin += n;
    co_return n;
  }
  if (s.eof || s.closed) co_return 0;
  if (s.tls) {  // decrypted through the buffer
    const std::size_t got = co_await fill(s);
    const std::size_t n = std::min(into.size(), got);
    std::memcpy(into.data(), s.rbuf.get() + s.rbegin, n);
    s.rbegin += n;
    co_return n;
  }
  const long r = co_await detail::recv_op(s.fd, into.data(), into.size());
  co_return received(s, r);
}

}  // namespace braid::asyncio
