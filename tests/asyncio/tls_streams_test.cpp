// TLS over loopback streams with certificates made at run time: echo, verification failures
// with their typed errors, start_tls, handshake timeout and cancellation without leaks. Both
// backends.
#include <gtest/gtest.h>

#include <string>

#include "braid/asyncio.hpp"
#include "net_test_support.hpp"
#include "test_certs.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

task<void> echo_lines(stream_reader r, stream_writer w) {
  for (;;) {
    std::string line = co_await r.read_line();
    if (line.empty()) break;
    w.write(line);
    co_await w.drain();
  }
}

ssl_context trusting_client(const test::test_certs& certs) {
  ssl_context c = ssl_context::client();
  c.load_verify_locations(certs.ca_file);
  return c;
}

task<void> echo_main(const test::test_certs* certs) {
  ssl_context server_ctx = ssl_context::server(certs->server.cert, certs->server.key);
  server_ctx.set_alpn_protocols({"braid-test"});
  const server_options tls_server{.ssl = server_ctx};  // options never braced inside co_await
  server srv = co_await start_server(echo_lines, "127.0.0.1", 0, tls_server);
  ssl_context client_ctx = trusting_client(*certs);
  client_ctx.set_alpn_protocols({"braid-test"});
  const connect_options tls_client{.ssl = client_ctx, .server_hostname = "localhost"};
  auto [reader, writer] =
      co_await open_connection("127.0.0.1", srv.addresses()[0].port(), tls_client);
  EXPECT_TRUE(writer.is_tls());
  EXPECT_EQ(writer.alpn_protocol(), "braid-test");
  const std::string big(60000, 'z');  // within the reader's 64 KiB line limit
  writer.write(big + "\n");
  std::string back = co_await reader.read_line();
  EXPECT_EQ(back.size(), big.size() + 1);
  for (int i = 0; i < 20; ++i) {
    const std::string msg = "secret " + std::to_string(i) + "\n";
    writer.write(msg);
    std::string echoed = co_await reader.read_line();
    EXPECT_EQ(echoed, msg);
  }
  writer.close();  // close_notify, then the socket
  co_await writer.wait_closed();
  srv.close();
  co_await srv.wait_closed();
}

TEST(TlsStreams, EchoWithAVerifiedCertificate) {
  test::test_certs certs;
  test::run_checking_descriptors(echo_main(&certs));
}

// Each verification failure reaches open_connection's caller as ssl_certificate_error.
task<void> failing_main(const test::test_certs* certs, test::cert_files server_files,
                        std::string hostname, int* verify_code) {
  ssl_context server_ctx = ssl_context::server(server_files.cert, server_files.key);
  const server_options tls_server{.ssl = server_ctx};
  server srv = co_await start_server(echo_lines, "127.0.0.1", 0, tls_server);
  const connect_options tls_client{.ssl = trusting_client(*certs), .server_hostname = hostname};
  try {
    co_await open_connection("127.0.0.1", srv.addresses()[0].port(), tls_client);
  } catch (const ssl_certificate_error& e) {
    *verify_code = e.verify_code();
  }
  srv.close();
  co_await srv.wait_closed();
}

TEST(TlsStreams, AWrongHostNameFailsVerification) {
  test::test_certs certs;
  int code = 0;
  const auto fds = test::open_fd_count();
  run(failing_main(&certs, certs.server, "not-localhost.example", &code));
  EXPECT_EQ(code, 62);  // X509_V_ERR_HOSTNAME_MISMATCH
  EXPECT_EQ(test::open_fd_count(), fds);
}

TEST(TlsStreams, AnExpiredCertificateFailsVerification) {
  test::test_certs certs;
  int code = 0;
  run(failing_main(&certs, certs.expired, "localhost", &code));
  EXPECT_EQ(code, 10);  // X509_V_ERR_CERT_HAS_EXPIRED
}

TEST(TlsStreams, AnUnknownCaFailsVerification) {
  test::test_certs certs;
  int code = 0;
  run(failing_main(&certs, certs.rogue, "localhost", &code));
  EXPECT_EQ(code, 20);  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
}

// A plain-text greeting, then both sides upgrade (STARTTLS).
task<void> starttls_server(stream_reader r, stream_writer w, const test::test_certs* certs) {
  std::string hello = co_await r.read_line();
  EXPECT_EQ(hello, "STARTTLS\n");
  w.write("GO\n");
  const tls_options server_side{.server_side = true};
  // Named, not a temporary inside the co_await (g++ 12 destroys such temporaries twice).
  const ssl_context ctx = ssl_context::server(certs->server.cert, certs->server.key);
  co_await start_tls(r, w, ctx, server_side);
  std::string secret = co_await r.read_line();
  w.write("got " + secret);
  co_await w.drain();
}

task<void> starttls_main(const test::test_certs* certs) {
  auto handler = [certs](stream_reader r, stream_writer w) {
    return starttls_server(std::move(r), std::move(w), certs);
  };
  server srv = co_await start_server(handler, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  writer.write("STARTTLS\n");
  std::string go = co_await reader.read_line();
  EXPECT_EQ(go, "GO\n");
  EXPECT_FALSE(writer.is_tls());
  const tls_options to_localhost{.server_hostname = "localhost"};
  const ssl_context ctx = trusting_client(*certs);
  co_await start_tls(reader, writer, ctx, to_localhost);
  EXPECT_TRUE(writer.is_tls());
  writer.write("pssst\n");
  std::string answer = co_await reader.read_line();
  EXPECT_EQ(answer, "got pssst\n");
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(TlsStreams, StartTlsUpgradesAnOpenStream) {
  test::test_certs certs;
  run(starttls_main(&certs));
}

// A peer that accepts the connection and never speaks TLS: the handshake times out (virtual
// time), and cancelling a handshake in the middle leaks nothing.
task<void> silent(stream_reader r, stream_writer) {
  co_await r.read();
}

task<void> handshake_timeout_main(const test::test_certs* certs) {
  server srv = co_await start_server(silent, "127.0.0.1", 0);
  bool timed_out = false;
  const connect_options impatient{
      .ssl = trusting_client(*certs), .server_hostname = "localhost", .ssl_handshake_timeout = 5s};
  try {
    co_await open_connection("127.0.0.1", srv.addresses()[0].port(), impatient);
  } catch (const connection_timeout_error& e) {
    timed_out = true;
    EXPECT_EQ(e.code().value(), ETIMEDOUT);
  }
  EXPECT_TRUE(timed_out);
  const connect_options tls_client{.ssl = trusting_client(*certs), .server_hostname = "localhost"};
  auto attempt = create_task(open_connection("127.0.0.1", srv.addresses()[0].port(), tls_client));
  for (int i = 0; i < 4; ++i) co_await sleep(0s);
  EXPECT_FALSE(attempt.done());
  attempt.cancel();
  bool cancelled = false;
  try {
    co_await attempt;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  auto stopped = co_await srv.shutdown(0s);
  (void)stopped;
}

TEST(TlsStreams, AHandshakeTimesOutAndCancelsWithoutLeaks) {
  test::test_certs certs;
  virtual_clock clock;
  test::run_checking_descriptors(handshake_timeout_main(&certs), {.clock = &clock});
}

// A peer that stops reading: close() cannot send the queue, and the shutdown timeout aborts the
// connection instead of keeping it forever (virtual time).
task<void> never_reads(stream_reader, stream_writer, event* release) {
  co_await release->wait();
}

task<void> shutdown_timeout_main(const test::test_certs* certs) {
  event release;
  auto handler = [&release](stream_reader r, stream_writer w) {
    return never_reads(std::move(r), std::move(w), &release);
  };
  const server_options tls_server{.ssl =
                                      ssl_context::server(certs->server.cert, certs->server.key)};
  server srv = co_await start_server(handler, "127.0.0.1", 0, tls_server);
  const connect_options tls_client{
      .ssl = trusting_client(*certs), .server_hostname = "localhost", .ssl_shutdown_timeout = 7s};
  auto [reader, writer] =
      co_await open_connection("127.0.0.1", srv.addresses()[0].port(), tls_client);
  writer.write(std::string(32 * 1024 * 1024, 'q'));  // far more than the socket buffers hold
  const auto start = event_loop::running().time();
  writer.close();
  EXPECT_FALSE(writer.is_closing() && writer.write_buffer_size() == 0);
  co_await writer.wait_closed();
  EXPECT_GE(event_loop::running().time() - start, 7s);  // virtual time: exact, not a timing bet
  release.set();
  srv.close();
  co_await srv.wait_closed();
}

TEST(TlsStreams, CloseGivesUpOnAPeerThatStopsReading) {
  test::test_certs certs;
  virtual_clock clock;
  test::run_checking_descriptors(shutdown_timeout_main(&certs), {.clock = &clock});
}

}  // namespace
}  // namespace braid::asyncio
