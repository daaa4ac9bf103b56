// detail::tls_engine over real descriptors: a client task and a server task on one loop, each
// owning one end of a non-blocking AF_UNIX socketpair and driving its engine with
// wait_readable / wait_writable (what the streams will do).
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/asyncio/detail/tls_engine.hpp"
#include "braid/asyncio/ssl_context.hpp"
#include "braid/asyncio/ssl_error.hpp"
#include "test_certs.hpp"

namespace braid::asyncio {
namespace {

using detail::tls_engine;
using detail::tls_role;

/// Sends all pending output, waiting for room when the socket is full.
task<void> flush(tls_engine& e, int fd) {
  std::vector<std::byte> buf(16384);
  while (e.pending_output() > 0) {
    const std::size_t n = e.take_output(buf);
    std::size_t off = 0;
    while (off < n) {
      const ssize_t w = ::write(fd, buf.data() + off, n - off);
      if (w < 0 && errno == EAGAIN) {
        co_await wait_writable(fd);
        continue;
      }
      if (w < 0) throw braid::os_error(errno, "write");
      off += static_cast<std::size_t>(w);
    }
  }
}

/// Feeds what arrives next (waiting for it); feeds EOF at the end of the stream.
task<void> fill(tls_engine& e, int fd) {
  std::vector<std::byte> buf(16384);
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) {
      e.feed(std::span(buf.data(), static_cast<std::size_t>(n)));
      co_return;
    }
    if (n == 0) {
      e.feed_eof();
      co_return;
    }
    if (errno != EAGAIN) throw braid::os_error(errno, "read");
    co_await wait_readable(fd);
  }
}

task<void> do_handshake(tls_engine& e, int fd) {
  for (;;) {
    const auto status = e.handshake();
    co_await flush(e, fd);
    if (status == tls_engine::handshake_status::done) co_return;
    co_await fill(e, fd);
  }
}

/// Plaintext until the peer's close_notify.
task<std::string> read_to_eof(tls_engine& e, int fd) {
  std::string out;
  std::vector<std::byte> buf(16384);
  for (;;) {
    const auto r = e.read(buf);
    if (r.status == tls_engine::read_status::data) {
      out.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
      continue;
    }
    if (r.status == tls_engine::read_status::eof) co_return out;
    if (r.status == tls_engine::read_status::truncated) throw ssl_eof_error("TLS read");
    co_await flush(e, fd);  // a TLS 1.3 key update or ticket reply, if any
    co_await fill(e, fd);
  }
}

task<std::string> client_side(const test::test_certs& certs, int fd, std::string payload) {
  auto ctx = ssl_context::client();
  ctx.load_verify_locations(certs.ca_file);
  ctx.set_alpn_protocols({"braid/1"});
  tls_engine e(ctx, tls_role::client, "localhost");
  co_await do_handshake(e, fd);
  EXPECT_EQ(e.alpn_protocol(), "braid/1");
  e.write(std::as_bytes(std::span(payload.data(), payload.size())));
  e.shutdown();
  co_await flush(e, fd);
  co_return co_await read_to_eof(e, fd);
}

task<std::size_t> server_side(const test::test_certs& certs, int fd) {
  auto ctx = ssl_context::server(certs.server.cert, certs.server.key);
  ctx.set_alpn_protocols({"braid/1"});
  tls_engine e(ctx, tls_role::server);
  co_await do_handshake(e, fd);
  const std::string got = co_await read_to_eof(e, fd);
  const std::string reply = "got " + std::to_string(got.size());
  e.write(std::as_bytes(std::span(reply.data(), reply.size())));
  e.shutdown();
  co_await flush(e, fd);
  co_return got.size();
}

task<void> both(const test::test_certs& certs, int client_fd, int server_fd) {
  const std::string payload(300000, 'x');  // beyond a socketpair's buffer: writes must wait
  auto server = create_task(server_side(certs, server_fd));
  auto client = create_task(client_side(certs, client_fd, payload));
  const std::string reply = co_await client;
  const std::size_t received = co_await server;
  EXPECT_EQ(received, payload.size());
  EXPECT_EQ(reply, "got 300000");
}

TEST(TlsSocketpair, HandshakeDataAndCloseNotifyOverRealDescriptors) {
  test::test_certs certs;
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  run(both(certs, fds[0], fds[1]), {.handle_sigint = false});
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace braid::asyncio
