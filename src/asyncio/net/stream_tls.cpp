// TLS on a stream: the handshake loop and start_tls. The engine (detail::tls_engine) does no
// I/O: this file moves its ciphertext to and from the socket.

#include <cerrno>
#include <cstring>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/streams.hpp"
#include "braid/asyncio/timeout.hpp"
#include "net/stream_state.hpp"

namespace braid::asyncio {

namespace detail {

const std::shared_ptr<stream_state>& stream_access::state(const stream_reader& r) noexcept {
  return r.s_;
}
const std::shared_ptr<stream_state>& stream_access::state(const stream_writer& w) noexcept {
  return w.s_;
}

void stream_state::tls_output() noexcept {
  if (!tls) return;
  const std::size_t n = tls->pending_output();
  if (n == 0) return;
  const std::size_t at = pending.size();
  try {
    pending.resize(at + n);
  } catch (...) {
    write_errno = ENOMEM;  // reported by drain()
    return;
  }
  tls->take_output({reinterpret_cast<std::byte*>(pending.data() + at), n});
  update_pressure();
  flush();
}

task<bool> receive_ciphertext(stream_state& s, const char* what) {
  const long r = co_await recv_op(s.fd, s.tls_in.get(), s.tls_in_cap);
  if (r > 0) {
    s.tls->feed({reinterpret_cast<const std::byte*>(s.tls_in.get()), static_cast<std::size_t>(r)});
  } else if (r == 0) {
    s.tls->feed_eof();
  } else if (r == -ECANCELED || s.closed) {
    co_return false;
  } else {
    throw_connection_error(static_cast<int>(-r), what, s.peer);
  }
  co_return true;
}

namespace {
[[noreturn]] void throw_aborted(const stream_state& s) {
  throw connection_aborted_error(ECONNABORTED, "TLS handshake with", s.peer);
}

task<void> handshake_steps(stream_state& s) {
  if (!s.tls_in) {
    s.tls_in_cap = 16 * 1024 + 256;  // one TLS record
    s.tls_in.reset(new char[s.tls_in_cap]);
  }
  for (;;) {
    tls_engine::handshake_status st;
    try {
      st = s.tls->handshake();
    } catch (...) {
      s.tls_output();  // the alert telling the peer why
      throw;
    }
    s.tls_output();
    if (st == tls_engine::handshake_status::done) co_return;
    if (s.closed) throw_aborted(s);
    const bool open = co_await receive_ciphertext(s, "TLS handshake with");
    if (!open) throw_aborted(s);
  }
}
}  // namespace

task<void> tls_handshake(stream_state& s, std::chrono::nanoseconds timeout) {
  if (timeout.count() <= 0) co_return co_await handshake_steps(s);
  bool timed_out = false;
  try {
    co_await wait_for(handshake_steps(s), timeout);
  } catch (const timeout_error&) {
    timed_out = true;
  }
  if (timed_out) throw connection_timeout_error(ETIMEDOUT, "TLS handshake with", s.peer);
}

}  // namespace detail

task<void> start_tls(stream_reader& reader, stream_writer& writer, ssl_context context,
                     tls_options options) {
  (void)reader;  // the two handles share one state; the writer's is used
  auto s = detail::stream_access::state(writer);
  if (!s || s->closed) throw invalid_state_error("start_tls on a closed stream");
  if (s->tls) throw invalid_state_error("the stream runs TLS already");
  std::string name = options.server_hostname;
  if (name.empty() && !options.server_side) name = s->peer.host();
  s->shutdown_timeout = options.ssl_shutdown_timeout;
  s->tls = std::make_unique<detail::tls_engine>(
      context, options.server_side ? detail::tls_role::server : detail::tls_role::client, name);
  // What the reader buffered already came after the peer's decision to speak TLS.
  if (s->unread() > 0) {
    s->tls->feed({reinterpret_cast<const std::byte*>(s->rbuf.get() + s->rbegin), s->unread()});
    s->rbegin = s->rend = 0;
  }
  co_await detail::tls_handshake(*s, options.ssl_handshake_timeout);
}

}  // namespace braid::asyncio

namespace braid::asyncio {
task<void> start_tls(stream_reader& reader, stream_writer& writer, ssl_context context) {
  const tls_options defaults;
  co_await start_tls(reader, writer, std::move(context), defaults);
}
}  // namespace braid::asyncio
