// detail::tls_engine: a client and a server engine pumped against each other in memory, with
// certificates made at run time (tests/asyncio/test_certs.hpp).
#include "braid/asyncio/detail/tls_engine.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "braid/asyncio/ssl_context.hpp"
#include "braid/asyncio/ssl_error.hpp"
#include "test_certs.hpp"

namespace braid::asyncio {
namespace {

using detail::tls_engine;
using detail::tls_role;
using hs = tls_engine::handshake_status;
using rs = tls_engine::read_status;

const test::test_certs& certs() {
  static const test::test_certs c;
  return c;
}

ssl_context trusting_client() {
  auto c = ssl_context::client();
  c.load_verify_locations(certs().ca_file);
  return c;
}

ssl_context localhost_server() {
  return ssl_context::server(certs().server.cert, certs().server.key);
}

std::span<const std::byte> bytes_of(const std::string& s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

/// Moves everything `from` wants sent into `to`.
void pump(tls_engine& from, tls_engine& to) {
  std::vector<std::byte> buf(16384);
  while (std::size_t n = from.take_output(buf)) to.feed(std::span(buf.data(), n));
}

/// Both handshakes, to the end; rethrows what either side throws.
void handshake(tls_engine& client, tls_engine& server) {
  for (int round = 0; round < 10; ++round) {
    const hs c = client.handshake();
    pump(client, server);
    const hs s = server.handshake();
    pump(server, client);
    if (c == hs::done && s == hs::done) return;
  }
  ADD_FAILURE() << "the handshake did not finish";
}

/// Reads until want_read (or the end); returns the plaintext and the last status.
std::pair<std::string, rs> drain(tls_engine& e) {
  std::string out;
  std::vector<std::byte> buf(16384);
  for (;;) {
    auto r = e.read(buf);
    if (r.status != rs::data) return {out, r.status};
    out.append(reinterpret_cast<const char*>(buf.data()), r.bytes);
  }
}

std::string big_text(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + static_cast<char>(i % 97));
  return s;
}

TEST(TlsEngine, HandshakeVerifiesAndCarriesOneMebibyteEachWay) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  handshake(client, server);
  EXPECT_TRUE(client.handshake_done());
  EXPECT_EQ(client.version(), "TLSv1.3");
  EXPECT_EQ(client.peer_certificate_subject(), "CN=localhost");
  EXPECT_EQ(server.server_name(), "localhost");  // SNI, as the server saw it
  EXPECT_EQ(server.peer_certificate_subject(), "");
  EXPECT_FALSE(client.cipher().empty());

  const std::string up = big_text(1 << 20, 'a');
  client.write(bytes_of(up));
  pump(client, server);
  auto [got_up, st_up] = drain(server);
  EXPECT_EQ(st_up, rs::want_read);
  EXPECT_TRUE(got_up == up);

  const std::string down = big_text(1 << 20, 'k');
  server.write(bytes_of(down));
  pump(server, client);
  auto [got_down, st_down] = drain(client);
  EXPECT_EQ(st_down, rs::want_read);
  EXPECT_TRUE(got_down == down);
}

TEST(TlsEngine, Tls12WhenTheClientCapsIt) {
  auto ctx = trusting_client();
  ctx.set_maximum_version(tls_version::tls1_2);
  tls_engine client(ctx, tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  handshake(client, server);
  EXPECT_EQ(client.version(), "TLSv1.2");
  EXPECT_EQ(server.version(), "TLSv1.2");
}

TEST(TlsEngine, NoCommonVersionIsSslError) {
  auto ctx = trusting_client();
  ctx.set_maximum_version(tls_version::tls1_2);
  auto srv = localhost_server();
  srv.set_minimum_version(tls_version::tls1_3);
  tls_engine client(ctx, tls_role::client, "localhost");
  tls_engine server(srv, tls_role::server);
  EXPECT_THROW(handshake(client, server), ssl_error);
}

TEST(TlsEngine, AlpnPicksTheServersFirstProtocolTheClientOffers) {
  auto cctx = trusting_client();
  cctx.set_alpn_protocols({"h2", "http/1.1"});
  auto sctx = localhost_server();
  sctx.set_alpn_protocols({"http/1.1", "h2"});
  tls_engine client(cctx, tls_role::client, "localhost");
  tls_engine server(sctx, tls_role::server);
  handshake(client, server);
  EXPECT_EQ(client.alpn_protocol(), "http/1.1");
  EXPECT_EQ(server.alpn_protocol(), "http/1.1");

  auto other = localhost_server();
  other.set_alpn_protocols({"spdy/3"});
  tls_engine client2(cctx, tls_role::client, "localhost");
  tls_engine server2(other, tls_role::server);
  handshake(client2, server2);  // no match: the connection goes on without ALPN
  EXPECT_EQ(client2.alpn_protocol(), "");
}

TEST(TlsEngine, IpAddressIsVerifiedAgainstTheCertificateAndSentWithoutSni) {
  tls_engine client(trusting_client(), tls_role::client, "127.0.0.1");
  tls_engine server(localhost_server(), tls_role::server);
  handshake(client, server);
  EXPECT_EQ(server.server_name(), "");
}

template <class F>
void expect_certificate_error(F f, long code, const std::string& message) {
  try {
    f();
    ADD_FAILURE() << "no ssl_certificate_error";
  } catch (const ssl_certificate_error& e) {
    EXPECT_EQ(e.verify_code(), code);
    EXPECT_EQ(e.verify_message(), message);
    EXPECT_NE(std::string(e.what()).find("certificate verify failed: " + message),
              std::string::npos)
        << e.what();
    const braid::os_error& as_os_error = e;  // Python's SSLError is an OSError
    EXPECT_EQ(&as_os_error.code().category(), &ssl_verify_category());
  }
}

TEST(TlsEngine, WrongHostIsCertificateError) {
  tls_engine client(trusting_client(), tls_role::client, "example.org");
  tls_engine server(localhost_server(), tls_role::server);
  expect_certificate_error([&] { handshake(client, server); }, 62, "hostname mismatch");
}

TEST(TlsEngine, ExpiredCertificateIsCertificateError) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(ssl_context::server(certs().expired.cert, certs().expired.key),
                    tls_role::server);
  expect_certificate_error([&] { handshake(client, server); }, 10, "certificate has expired");
}

TEST(TlsEngine, UnknownCaIsCertificateError) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(ssl_context::server(certs().rogue.cert, certs().rogue.key), tls_role::server);
  expect_certificate_error([&] { handshake(client, server); }, 20,
                           "unable to get local issuer certificate");
}

TEST(TlsEngine, DefaultClientTrustsOnlyTheSystemStore) {
  EXPECT_TRUE(ssl_context::client().verifies_peer());
  EXPECT_TRUE(ssl_context::client().checks_hostname());
  tls_engine client(ssl_context::client(), tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  expect_certificate_error([&] { handshake(client, server); }, 20,
                           "unable to get local issuer certificate");
}

TEST(TlsEngine, InsecureClientAcceptsAnyCertificateForAnyName) {
  auto ctx = ssl_context::insecure_client();
  EXPECT_FALSE(ctx.verifies_peer());
  EXPECT_FALSE(ctx.checks_hostname());
  tls_engine client(ctx, tls_role::client, "example.org");
  tls_engine server(ssl_context::server(certs().rogue.cert, certs().rogue.key), tls_role::server);
  handshake(client, server);
  EXPECT_EQ(client.peer_certificate_subject(), "CN=localhost");
}

ssl_context requiring_server() {
  auto s = localhost_server();
  s.require_client_certificate();
  s.load_verify_locations(certs().ca_file);
  return s;
}

TEST(TlsEngine, ServerRequiringAClientCertificateSeesIt) {
  auto cctx = trusting_client();
  cctx.load_cert_chain(certs().client.cert, certs().client.key);
  tls_engine client(cctx, tls_role::client, "localhost");
  tls_engine server(requiring_server(), tls_role::server);
  handshake(client, server);
  EXPECT_EQ(server.peer_certificate_subject(), "CN=braid test client");
}

TEST(TlsEngine, MissingClientCertificateFailsBothSides) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(requiring_server(), tls_role::server);
  // TLS 1.3: the client's handshake is over before the server judges its (absent) certificate.
  EXPECT_EQ(client.handshake(), hs::want_read);
  pump(client, server);
  EXPECT_EQ(server.handshake(), hs::want_read);
  pump(server, client);
  EXPECT_EQ(client.handshake(), hs::done);
  pump(client, server);
  EXPECT_THROW(server.handshake(), ssl_error);
  pump(server, client);  // the server's alert
  std::vector<std::byte> buf(64);
  EXPECT_THROW(client.read(buf), ssl_error);
}

TEST(TlsEngine, ClientCertificateFromAnUnknownCaIsCertificateErrorOnTheServer) {
  auto cctx = trusting_client();
  cctx.load_cert_chain(certs().rogue.cert, certs().rogue.key);
  tls_engine client(cctx, tls_role::client, "localhost");
  tls_engine server(requiring_server(), tls_role::server);
  expect_certificate_error([&] { handshake(client, server); }, 20,
                           "unable to get local issuer certificate");
}

TEST(TlsEngine, CloseNotifyIsACleanEof) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  handshake(client, server);
  client.write(bytes_of("last words"));
  EXPECT_FALSE(client.shutdown());
  EXPECT_THROW(client.write(bytes_of("more")), invalid_state_error);
  pump(client, server);
  auto [text, status] = drain(server);
  EXPECT_EQ(text, "last words");
  EXPECT_EQ(status, rs::eof);
  EXPECT_TRUE(server.close_notify_received());
  EXPECT_TRUE(server.shutdown());  // the peer's came first: both sides are closed
  pump(server, client);
  auto [rest, end] = drain(client);
  EXPECT_EQ(end, rs::eof);
}

TEST(TlsEngine, TransportEofWithoutCloseNotifyIsTruncation) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  handshake(client, server);
  client.write(bytes_of("cut"));
  pump(client, server);
  server.feed_eof();
  auto [text, status] = drain(server);
  EXPECT_EQ(text, "cut");
  EXPECT_EQ(status, rs::truncated);
  EXPECT_FALSE(server.close_notify_received());
}

TEST(TlsEngine, TransportEofMidHandshakeIsEofError) {
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  EXPECT_EQ(client.handshake(), hs::want_read);
  client.feed_eof();
  EXPECT_THROW(client.handshake(), ssl_eof_error);
}

TEST(TlsEngine, GarbageFromThePeerIsSslError) {
  tls_engine server(localhost_server(), tls_role::server);
  server.feed(bytes_of("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_THROW(server.handshake(), ssl_error);
}

TEST(TlsEngine, Misuse) {
  EXPECT_THROW(tls_engine(trusting_client(), tls_role::client), value_error);  // no host name
  EXPECT_THROW(tls_engine(trusting_client(), tls_role::server), value_error);  // no certificate
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  std::vector<std::byte> buf(16);
  EXPECT_THROW(client.read(buf), invalid_state_error);
  EXPECT_THROW(client.write(bytes_of("x")), invalid_state_error);
  EXPECT_THROW(ssl_context::server("/nonexistent.pem", "/nonexistent.key"), ssl_error);
  auto ctx = ssl_context::client();
  EXPECT_THROW(ctx.set_alpn_protocols({""}), value_error);
  EXPECT_THROW(ctx.load_verify_locations(""), value_error);
}

TEST(TlsEngine, AbandonedMidHandshakeLeaksNothing) {
  // LeakSanitizer (the asan preset) checks: an engine destroyed with bytes buffered both ways.
  tls_engine client(trusting_client(), tls_role::client, "localhost");
  tls_engine server(localhost_server(), tls_role::server);
  client.handshake();
  pump(client, server);
  server.handshake();
  EXPECT_GT(server.pending_output(), 0u);
}

}  // namespace
}  // namespace braid::asyncio
