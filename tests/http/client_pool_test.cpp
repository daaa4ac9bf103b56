// client_session's connector: limit and limit_per_host, each timeout kind, and cancellation in
// the middle of a request (its connection closed, its slot freed, no descriptor left).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../asyncio/net_test_support.hpp"
#include "client_test_support.hpp"

namespace braid::http {
namespace {

using namespace std::chrono_literals;
using asyncio::stream_reader;
using asyncio::stream_writer;
using asyncio::task;
using test::serve;

template <class F>
void run_test(F body) {
  asyncio::test::run_checking_descriptors(body());
}

task<void> fetch_one(client_session& s, std::string u, int& ok) {
  client_response r = co_await s.get(std::move(u));
  std::string body = co_await r.read();
  if (r.status() == 200 && !body.empty()) ++ok;
}

task<void> limit_case(std::size_t limit, std::size_t per_host) {
  test::counting_server a, b;
  auto srv_a_served = co_await serve(a.handler());
  auto& srv_a = srv_a_served.first;
  const std::string base_a = srv_a_served.second;
  // Under a global limit both servers count into one object: its max_active is the most
  // requests in flight at once, whichever host they went to.
  auto srv_b_served = co_await serve(per_host != 0 ? b.handler() : a.handler());
  auto& srv_b = srv_b_served.first;
  const std::string base_b = srv_b_served.second;
  session_options so;
  so.connector.limit = limit;
  so.connector.limit_per_host = per_host;
  client_session session(std::move(so));
  int ok = 0;
  auto body = [&](asyncio::task_group& g) -> task<void> {
    for (int i = 0; i < 12; ++i) {
      g.create_task(fetch_one(session, (i % 2 ? base_a : base_b) + "/" + std::to_string(i), ok));
    }
    co_return;
  };
  co_await asyncio::with_task_group(body);
  EXPECT_EQ(ok, 12);
  if (limit != 0) {
    EXPECT_LE(static_cast<std::size_t>(a.max_active), limit);
    EXPECT_GE(a.max_active, 2);  // the requests did run side by side
  }
  if (per_host != 0) {
    EXPECT_LE(static_cast<std::size_t>(a.max_active), per_host);
    EXPECT_LE(static_cast<std::size_t>(b.max_active), per_host);
    EXPECT_LE(static_cast<std::size_t>(a.accepted), per_host);
  }
  EXPECT_EQ(session.stats().in_use, 0u);
  co_await session.close();
  srv_a.close();
  srv_b.close();
  co_await srv_a.wait_closed();
  co_await srv_b.wait_closed();
}

TEST(ClientPool, LimitBoundsConnections) {
  run_test([]() -> task<void> { co_await limit_case(3, 0); });
}

TEST(ClientPool, LimitPerHostBoundsEachHost) {
  run_test([]() -> task<void> { co_await limit_case(0, 2); });
}

TEST(ClientPool, NoLimitOpensAsManyAsNeeded) {
  run_test([]() -> task<void> { co_await limit_case(0, 0); });
}

// A server that reads the request and never answers until `release` is set.
struct silent_server {
  asyncio::event release;
  asyncio::event got_request;
  asyncio::connection_handler handler() {
    return [this](stream_reader r, stream_writer w) -> task<void> {
      try {
        co_await r.read_until("\r\n\r\n");
      } catch (const std::exception&) {
        co_return;
      }
      got_request.set();
      co_await release.wait();
      (void)w;
    };
  }
};

task<void> get_and_drop(client_session& s, std::string u) {
  client_response r = co_await s.get(std::move(u));
  (void)r;
}

template <class F>
task<void> expect_timeout(timeout_kind which, F make_request) {
  bool threw = false;
  try {
    co_await make_request();
  } catch (const client_timeout_error& e) {
    threw = true;
    EXPECT_EQ(static_cast<int>(e.which()), static_cast<int>(which)) << e.what();
    EXPECT_STREQ(e.kind(), "timeout");
  }
  EXPECT_TRUE(threw);
}

TEST(ClientPool, SockReadTimeout) {
  run_test([]() -> task<void> {
    silent_server s;
    auto srv_served = co_await serve(s.handler());
    auto& srv = srv_served.first;
    const std::string base = srv_served.second;
    client_session session;
    request_options o;
    client_timeout t;
    t.sock_read = 50ms;
    o.timeout = t;
    auto go = [&]() -> task<void> { co_await session.get(base + "/", std::move(o)); };
    co_await expect_timeout(timeout_kind::sock_read, go);
    EXPECT_EQ(session.stats().in_use, 0u);
    s.release.set();
    srv.close();
    co_await srv.wait_closed();
  });
}

TEST(ClientPool, TotalTimeoutCoversTheBody) {
  run_test([]() -> task<void> {
    asyncio::event release;
    auto handler = [&release](stream_reader r, stream_writer w) -> task<void> {
      co_await r.read_until("\r\n\r\n");
      w.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
      co_await w.drain();
      co_await release.wait();
    };
    auto srv_served = co_await serve(handler);
    auto& srv = srv_served.first;
    const std::string base = srv_served.second;
    session_options so;
    so.timeout.total = 100ms;
    client_session session(std::move(so));
    client_response r = co_await session.get(base + "/");
    auto go = [&]() -> task<void> { co_await r.read(); };
    co_await expect_timeout(timeout_kind::total, go);
    EXPECT_EQ(session.stats().in_use, 0u);
    release.set();
    srv.close();
    co_await srv.wait_closed();
  });
}

TEST(ClientPool, ConnectTimeoutIncludesWaitingForASlot) {
  run_test([]() -> task<void> {
    silent_server s;
    auto srv_served = co_await serve(s.handler());
    auto& srv = srv_served.first;
    const std::string base = srv_served.second;
    session_options so;
    so.connector.limit = 1;
    client_session session(std::move(so));
    // The first request holds the only slot (the server never answers).
    auto first = asyncio::create_task(get_and_drop(session, base + "/first"));
    co_await s.got_request.wait();
    request_options o;
    client_timeout t;
    t.connect = 50ms;
    o.timeout = t;
    auto go = [&]() -> task<void> { co_await session.get(base + "/second", std::move(o)); };
    co_await expect_timeout(timeout_kind::connect, go);
    first.cancel();
    EXPECT_THROW(co_await first, asyncio::cancelled_error);
    EXPECT_EQ(session.stats().in_use, 0u);
    s.release.set();
    srv.close();
    co_await srv.wait_closed();
  });
}

// A listening socket whose accept queue is full: further SYNs go unanswered, so a connect hangs.
class full_backlog {
 public:
  full_backlog() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<::sockaddr*>(&a), sizeof a);
    ::listen(fd_, 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<::sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    for (int& c : fillers_) {
      c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      ::connect(c, reinterpret_cast<::sockaddr*>(&a), sizeof a);
    }
  }
  ~full_backlog() {
    for (int c : fillers_) ::close(c);
    ::close(fd_);
  }
  std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  int fillers_[3] = {-1, -1, -1};
  std::uint16_t port_ = 0;
};

TEST(ClientPool, SockConnectTimeout) {
  full_backlog backlog;
  run_test([&backlog]() -> task<void> {
    client_session session;
    request_options o;
    client_timeout t;
    t.sock_connect = 100ms;
    o.timeout = t;
    const std::string u = "http://127.0.0.1:" + std::to_string(backlog.port()) + "/";
    bool threw = false;
    try {
      client_response r = co_await session.get(u, std::move(o));
      // The kernel may still have completed the handshake: then no answer comes (and the
      // total timeout is long), which this test does not wait for.
      threw = true;
    } catch (const client_timeout_error& e) {
      threw = true;
      EXPECT_EQ(static_cast<int>(e.which()), static_cast<int>(timeout_kind::sock_connect));
    } catch (const client_error&) {
      threw = true;
    }
    EXPECT_TRUE(threw);
  });
}

TEST(ClientPool, CancellingMidRequestLeaksNothing) {
  run_test([]() -> task<void> {
    for (int round = 0; round < 3; ++round) {
      silent_server s;
      auto srv_served = co_await serve(s.handler());
      auto& srv = srv_served.first;
      const std::string base = srv_served.second;
      session_options so;
      so.connector.limit = 1;
      client_session session(std::move(so));
      auto t = asyncio::create_task(get_and_drop(session, base + "/hang"));
      co_await s.got_request.wait();
      t.cancel();
      EXPECT_THROW(co_await t, asyncio::cancelled_error);
      EXPECT_EQ(session.stats().in_use, 0u);
      EXPECT_EQ(session.stats().idle, 0u);
      s.release.set();
      srv.close();
      co_await srv.wait_closed();
    }
  });
}

TEST(ClientPool, CancellingInsideTheBodyClosesTheConnection) {
  run_test([]() -> task<void> {
    asyncio::event release, sent;
    auto handler = [&](stream_reader r, stream_writer w) -> task<void> {
      co_await r.read_until("\r\n\r\n");
      w.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhalf");
      co_await w.drain();
      sent.set();
      co_await release.wait();
    };
    auto srv_served = co_await serve(handler);
    auto& srv = srv_served.first;
    const std::string base = srv_served.second;
    client_session session;
    client_response r = co_await session.get(base + "/");
    co_await sent.wait();
    auto read = [&]() -> task<std::string> { co_return co_await r.read(); };
    auto t = asyncio::create_task(read());
    co_await asyncio::sleep(0s);
    co_await asyncio::sleep(0s);
    t.cancel();
    EXPECT_THROW(co_await t, asyncio::cancelled_error);
    EXPECT_EQ(session.stats().in_use, 0u);
    release.set();
    srv.close();
    co_await srv.wait_closed();
  });
}

TEST(ClientPool, SessionDestroyedMidRequestLeavesTheRequestSafe) {
  run_test([]() -> task<void> {
    asyncio::event release, got;
    auto handler = [&](stream_reader r, stream_writer w) -> task<void> {
      co_await r.read_until("\r\n\r\n");
      got.set();
      co_await release.wait();
      w.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      co_await w.drain();
    };
    auto srv_served = co_await serve(handler);
    auto& srv = srv_served.first;
    const std::string base = srv_served.second;
    auto session = std::make_unique<client_session>();
    auto get = [](client_session& s, std::string u) -> task<std::string> {
      client_response r = co_await s.get(std::move(u));
      co_return co_await r.read();
    };
    auto t = asyncio::create_task(get(*session, base + "/"));
    co_await got.wait();
    session.reset();  // the pool closes; the request in flight goes on
    release.set();
    std::string body = co_await t;
    EXPECT_EQ(body, "ok");
    srv.close();
    co_await srv.wait_closed();
  });
}

}  // namespace
}  // namespace braid::http
