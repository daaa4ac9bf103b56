// client_session against Debian's nginx: keep-alive reuse (nginx's $connection), limits,
// gzip, redirects, cookies, and TLS verification (custom CA, unknown CA, wrong host name).
#include <netdb.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "../asyncio/net_test_support.hpp"
#include "braid/http.hpp"
#include "nginx_fixture.hpp"

namespace braid::http {
namespace {

using asyncio::task;

class ClientNginx : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test::nginx_server::available()) nginx_ = std::make_unique<test::nginx_server>();
  }
  static void TearDownTestSuite() { nginx_.reset(); }
  void SetUp() override {
    if (!nginx_) GTEST_SKIP() << "no nginx at /usr/sbin/nginx";
  }
  static test::nginx_server& nginx() { return *nginx_; }
  static asyncio::ssl_context trusting() {
    asyncio::ssl_context c = asyncio::ssl_context::client();
    c.load_verify_locations(nginx_->certs.ca_file);
    return c;
  }
  static std::unique_ptr<test::nginx_server> nginx_;
};
std::unique_ptr<test::nginx_server> ClientNginx::nginx_;

template <class F>
void run_test(F body) {
  asyncio::test::run_checking_descriptors(body());
}

TEST_F(ClientNginx, KeepAliveReusesOneConnection) {
  run_test([]() -> task<void> {
    client_session session;
    std::set<std::string> conns;
    for (int i = 0; i < 20; ++i) {
      client_response r = co_await session.get(nginx().http_base() + "/");
      std::string body = co_await r.text();
      EXPECT_EQ(body, "Hello, World!");
      conns.insert(std::string(r.headers().get_or("X-Conn", "?")));
    }
    EXPECT_EQ(conns.size(), 1u);
    EXPECT_EQ(session.stats().opened, 1u);
    co_await session.close();
  });
}

task<void> fetch_conn(client_session& s, std::string u, std::set<std::string>& conns) {
  client_response r = co_await s.get(std::move(u));
  co_await r.read();
  conns.insert(std::string(r.headers().get_or("X-Conn", "?")));
}

TEST_F(ClientNginx, LimitPerHostCapsConnections) {
  run_test([]() -> task<void> {
    session_options so;
    so.connector.limit_per_host = 3;
    client_session session(std::move(so));
    std::set<std::string> conns;
    auto body = [&](asyncio::task_group& g) -> task<void> {
      for (int i = 0; i < 30; ++i)
        g.create_task(fetch_conn(session, nginx().http_base() + "/", conns));
      co_return;
    };
    co_await asyncio::with_task_group(body);
    EXPECT_LE(conns.size(), 3u);
    EXPECT_LE(session.stats().opened, 3u);
    co_await session.close();
  });
}

TEST_F(ClientNginx, GzipIsDecodedAndRedirectsHaveHistory) {
  run_test([]() -> task<void> {
    client_session session;
    client_response r = co_await session.get(nginx().http_base() + "/gz");
    EXPECT_EQ(r.headers().get_or("Content-Encoding", ""), "gzip");
    std::string body = co_await r.text();
    EXPECT_EQ(body, nginx().gzip_body);
    client_response rr = co_await session.get(nginx().http_base() + "/r1");
    std::string hello = co_await rr.text();
    EXPECT_EQ(hello, "Hello, World!");
    EXPECT_EQ(rr.history().size(), 2u);
    if (rr.history().size() == 2) {
      EXPECT_EQ(rr.history()[0].status, 302);
      EXPECT_EQ(rr.history()[1].status, 301);
      EXPECT_EQ(rr.history()[1].url.path(), "/r2");
    }
    EXPECT_EQ(rr.url().path(), "/");
    co_await session.close();
  });
}

TEST_F(ClientNginx, CookiesRoundTrip) {
  run_test([]() -> task<void> {
    session_options so;
    so.cookie_jar = cookie_jar(true);
    client_session session(std::move(so));
    client_response a = co_await session.get(nginx().http_base() + "/cookie");
    co_await a.read();
    client_response b = co_await session.get(nginx().http_base() + "/echo-cookie");
    std::string echoed = co_await b.text();
    EXPECT_EQ(echoed, "n=v");
    co_await session.close();
  });
}

TEST_F(ClientNginx, TlsWithTheTestCa) {
  run_test([]() -> task<void> {
    session_options so;
    so.connector.ssl = trusting();
    client_session session(std::move(so));
    for (int i = 0; i < 3; ++i) {
      client_response r =
          co_await session.get("https://localhost:" + std::to_string(nginx().tls_port) + "/");
      std::string body = co_await r.text();
      EXPECT_EQ(body, "tls");
    }
    EXPECT_EQ(session.stats().opened, 1u);
    co_await session.close();
  });
}

task<void> expect_verify_failure(client_session& session, std::string u, long code) {
  bool threw = false;
  try {
    co_await session.get(std::move(u));
  } catch (const client_ssl_error& e) {
    threw = true;
    EXPECT_EQ(e.verify_code(), code) << e.what();
    EXPECT_STREQ(e.kind(), "tls");
  }
  EXPECT_TRUE(threw);
}

TEST_F(ClientNginx, UnknownCaIsRefusedWithVerifyCode20) {
  run_test([]() -> task<void> {
    session_options so;
    so.connector.ssl = trusting();
    client_session session(std::move(so));
    co_await expect_verify_failure(
        session, "https://localhost:" + std::to_string(nginx().rogue_port) + "/", 20);
    client_session system_cas;  // the default context: the system's CAs only
    co_await expect_verify_failure(
        system_cas, "https://localhost:" + std::to_string(nginx().tls_port) + "/", 20);
  });
}

TEST_F(ClientNginx, WrongHostNameIsRefusedWithVerifyCode62) {
  // A second name for the loopback address that the certificate does not carry: the machine's
  // host name, when /etc/hosts maps it to 127.0.0.1.
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* res = nullptr;
  bool loopback = false;
  if (::getaddrinfo(name, nullptr, &hints, &res) == 0) {
    loopback =
        reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    ::freeaddrinfo(res);
  }
  if (!loopback || std::string(name) == "localhost") GTEST_SKIP() << "no second loopback name";
  const std::string host = name;
  run_test([&host]() -> task<void> {
    session_options so;
    so.connector.ssl = trusting();
    client_session session(std::move(so));
    co_await expect_verify_failure(
        session, "https://" + host + ":" + std::to_string(nginx().tls_port) + "/", 62);
  });
}

TEST_F(ClientNginx, InsecureClientIsAnExplicitOptOut) {
  run_test([]() -> task<void> {
    session_options so;
    so.connector.ssl = asyncio::ssl_context::insecure_client();
    client_session session(std::move(so));
    client_response r =
        co_await session.get("https://localhost:" + std::to_string(nginx().rogue_port) + "/");
    std::string body = co_await r.text();
    EXPECT_EQ(body, "rogue");
    co_await session.close();
  });
}

}  // namespace
}  // namespace braid::http
