// asyncio::resolve against a fake DNS server on loopback (tests/asyncio/fake_dns_server.hpp):
// never the internet, no sleeps.

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/asyncio/resolve.hpp"
#include "fake_dns_server.hpp"
#include "support/descriptors.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using test::fake_dns_server;

using braid::test::open_fd_count;

resolve_options options_for(const fake_dns_server& server) {
  resolve_options o;
  o.name_servers = {server.address()};
  o.search_domains = std::vector<std::string>{};  // one query per name, whatever resolv.conf says
  o.timeout = 2000ms;
  o.tries = 1;
  o.type = socket_type::stream;
  return o;
}

std::vector<std::string> hosts_of(const std::vector<address_info>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) out.push_back(f.address.host());
  std::sort(out.begin(), out.end());
  return out;
}

template <class F>
void run_test(F body) {
  run(body(), {.handle_sigint = false});
}

TEST(Resolve, ARecordForIpv4) {
  fake_dns_server server;
  server.add("one.braid.test", {.a = {"10.1.2.3"}});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    auto found = co_await resolve("one.braid.test", 8080, o);
    EXPECT_EQ(found.size(), 1u);
    if (found.size() != 1u) co_return;
    EXPECT_EQ(found[0].family, address_family::ipv4);
    EXPECT_EQ(found[0].type, socket_type::stream);
    EXPECT_EQ(found[0].address.to_string(), "10.1.2.3:8080");
  });
  EXPECT_EQ(server.queries(), 1);
}

// A UDP answer marked truncated sends c-ares to TCP: that connection and its reads run on the
// loop too, and the full answer comes from there.
TEST(Resolve, TruncatedUdpAnswerIsRetriedOverTcp) {
  // Counted around the server's whole life: its end of the TCP connection closes only when it
  // reads the resolver's close, on its own thread.
  const int fds_before = braid::test::open_fd_count();
  {
    fake_dns_server server;
    server.add("big.braid.test", {.a = {"10.9.8.7"}});
    server.truncate_over_udp("big.braid.test");
    run_test([&]() -> task<void> {
      auto o = options_for(server);
      o.family = address_family::ipv4;
      auto found = co_await resolve("big.braid.test", 53, o);
      EXPECT_EQ(found.size(), 1u);
      if (found.size() != 1u) co_return;
      EXPECT_EQ(found[0].address.to_string(), "10.9.8.7:53");
    });
    EXPECT_EQ(server.tcp_queries(), 1);
    EXPECT_EQ(server.queries(), 2);  // the truncated UDP answer, then TCP
  }
  EXPECT_EQ(braid::test::open_fd_count(), fds_before);
}

TEST(Resolve, AaaaRecordForIpv6) {
  fake_dns_server server;
  server.add("six.braid.test", {.aaaa = {"fd00::7"}});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv6;
    auto found = co_await resolve("six.braid.test", 443, o);
    EXPECT_EQ(found.size(), 1u);
    if (found.size() != 1u) co_return;
    EXPECT_EQ(found[0].family, address_family::ipv6);
    EXPECT_EQ(found[0].address.to_string(), "[fd00::7]:443");
  });
  EXPECT_EQ(server.queries(), 1);
}

TEST(Resolve, BothFamiliesAndEverySocketType) {
  fake_dns_server server;
  server.add("both.braid.test", {.a = {"10.0.0.1", "10.0.0.2"}, .aaaa = {"fd00::1"}});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.flags = resolve_flags::canonical_name;
    auto found = co_await resolve("both.braid.test", 53, o);
    std::vector<std::string> want{"10.0.0.1", "10.0.0.2", "fd00::1"};
    EXPECT_EQ(hosts_of(found), want);
    EXPECT_EQ(found[0].canonical_name, "both.braid.test");
    o.type = socket_type::any;  // stream, datagram and raw for each address, as getaddrinfo
    o.use_cache = false;
    auto all = co_await resolve("both.braid.test", 53, o);
    EXPECT_EQ(all.size(), 9u);
  });
  EXPECT_EQ(server.queries(), 4);  // A and AAAA, twice
}

TEST(Resolve, NxdomainIsNotFound) {
  fake_dns_server server;
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    bool thrown = false;
    try {
      co_await resolve("missing.braid.test", 80, o);
    } catch (const dns_not_found_error& e) {
      thrown = true;
      EXPECT_EQ(e.kind(), dns_error_kind::not_found);
      EXPECT_EQ(e.host(), "missing.braid.test");
      EXPECT_EQ(&e.code().category(), &dns_category());
    }
    EXPECT_TRUE(thrown);
  });
  EXPECT_EQ(server.queries(), 1);
}

TEST(Resolve, NoAddressOfTheFamilyIsNotFound) {
  fake_dns_server server;
  server.add("v4only.braid.test", {.a = {"10.0.0.9"}});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv6;
    bool thrown = false;
    try {
      co_await resolve("v4only.braid.test", 80, o);
    } catch (const dns_not_found_error& e) {
      thrown = true;
      EXPECT_EQ(e.kind(), dns_error_kind::no_data);
    }
    EXPECT_TRUE(thrown);
  });
}

TEST(Resolve, ServerThatNeverAnswersIsTimeout) {
  fake_dns_server server;
  server.never_answer("silent.braid.test");
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    o.timeout = 50ms;  // c-ares's own timer, on real time: the test waits, it never sleeps
    bool thrown = false;
    try {
      co_await resolve("silent.braid.test", 80, o);
    } catch (const dns_timeout_error& e) {
      thrown = true;
      EXPECT_EQ(e.kind(), dns_error_kind::timeout);
      const braid::os_error& as_os_error = e;  // Python's gaierror is an OSError
      EXPECT_NE(std::string(as_os_error.what()).find("silent.braid.test"), std::string::npos);
    }
    EXPECT_TRUE(thrown);
  });
  EXPECT_EQ(server.queries(), 1);
}

TEST(Resolve, NumericHostsSendNoQuery) {
  fake_dns_server server;
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    auto v4 = co_await resolve("192.0.2.5", 25, o);
    EXPECT_EQ(v4.size(), 1u);
    if (v4.size() != 1u) co_return;
    EXPECT_EQ(v4[0].address.to_string(), "192.0.2.5:25");
    auto v6 = co_await resolve("::1", 25, o);
    EXPECT_EQ(v6.size(), 1u);
    if (v6.size() != 1u) co_return;
    EXPECT_EQ(v6[0].address.to_string(), "[::1]:25");
    auto empty = co_await resolve("", 25, o);  // loopback of both families
    EXPECT_EQ(empty.size(), 2u);
    o.flags = resolve_flags::passive;
    o.family = address_family::ipv4;
    auto wildcard = co_await resolve("", 25, o);
    EXPECT_EQ(wildcard.size(), 1u);
    if (wildcard.size() != 1u) co_return;
    EXPECT_EQ(wildcard[0].address.host(), "0.0.0.0");

    o.family = address_family::ipv6;
    bool bad_family = false;
    try {
      co_await resolve("192.0.2.5", 25, o);
    } catch (const dns_error& e) {
      bad_family = e.kind() == dns_error_kind::bad_family;
    }
    EXPECT_TRUE(bad_family);
    o.family = address_family::unspecified;
    o.flags = resolve_flags::numeric_host;
    bool refused_name = false;
    try {
      co_await resolve("a.braid.test", 25, o);
    } catch (const dns_not_found_error&) {
      refused_name = true;
    }
    EXPECT_TRUE(refused_name);
  });
  EXPECT_EQ(server.queries(), 0);
}

TEST(Resolve, LocalhostComesFromEtcHosts) {
  fake_dns_server server;
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    auto found = co_await resolve("localhost", 80, o);
    EXPECT_FALSE(found.empty());
    if (found.empty()) co_return;
    EXPECT_EQ(found[0].address.to_string(), "127.0.0.1:80");
  });
  EXPECT_EQ(server.queries(), 0);
}

TEST(Resolve, SecondLookupComesFromTheCache) {
  fake_dns_server server;
  server.add("cached.braid.test", {.a = {"10.0.0.3"}, .ttl = 300});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    auto first = co_await resolve("cached.braid.test", 80, o);
    EXPECT_EQ(server.queries(), 1);
    auto second = co_await resolve("CACHED.braid.test.", 81, o);  // names are case-insensitive
    EXPECT_EQ(server.queries(), 1);
    EXPECT_EQ(second.size(), 1u);
    if (second.size() != 1u) co_return;
    EXPECT_EQ(second[0].address.to_string(), "10.0.0.3:81");
    o.use_cache = false;
    auto bypassed = co_await resolve("cached.braid.test", 80, o);
    EXPECT_EQ(server.queries(), 2);
    EXPECT_EQ(hosts_of(bypassed), hosts_of(first));
  });
}

TEST(Resolve, ZeroTtlIsNotCached) {
  fake_dns_server server;
  server.add("fleeting.braid.test", {.a = {"10.0.0.4"}, .ttl = 0});
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    co_await resolve("fleeting.braid.test", 80, o);
    co_await resolve("fleeting.braid.test", 80, o);
  });
  EXPECT_EQ(server.queries(), 2);
}

TEST(Resolve, CachedAnswerExpiresWithItsTtlOnVirtualTime) {
  fake_dns_server server;
  server.add("ttl.braid.test", {.a = {"10.0.0.5"}, .ttl = 30});
  virtual_clock clock;
  run(
      [](fake_dns_server& server, virtual_clock& clock) -> task<void> {
        auto o = options_for(server);
        o.family = address_family::ipv4;
        co_await resolve("ttl.braid.test", 80, o);
        clock.advance(29s);
        co_await resolve("ttl.braid.test", 80, o);
        EXPECT_EQ(server.queries(), 1);
        clock.advance(1s);  // 30 s after the answer: expired
        co_await resolve("ttl.braid.test", 80, o);
        EXPECT_EQ(server.queries(), 2);
      }(server, clock),
      {.clock = &clock, .handle_sigint = false});
}

// Waits on a worker thread (the loop goes on) until the server has seen `n` queries.
task<void> until_queries(fake_dns_server& server, int n) {
  co_await to_thread([&server, n] {
    while (server.queries() < n) std::this_thread::yield();
  });
}

TEST(Resolve, CancellingALookupLeaksNoDescriptor) {
  fake_dns_server server;
  server.never_answer("hang.braid.test");
  server.add("fine.braid.test", {.a = {"10.0.0.6"}});
  const auto before_loop = open_fd_count();
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    o.timeout = 60000ms;                         // far beyond the test: only cancellation ends it
    co_await resolve("fine.braid.test", 80, o);  // the channel exists, its sockets are closed
    const auto baseline = open_fd_count();
    auto hung = create_task(resolve("hang.braid.test", 80, o));
    co_await until_queries(server, 2);
    EXPECT_GT(open_fd_count(), baseline);  // the query's socket
    hung.cancel();
    bool cancelled = false;
    try {
      co_await hung;
    } catch (const cancelled_error&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(open_fd_count(), baseline);
    // The channel is still usable afterwards.
    o.use_cache = false;
    auto again = co_await resolve("fine.braid.test", 80, o);
    EXPECT_EQ(again.size(), 1u);
    EXPECT_EQ(open_fd_count(), baseline);
  });
  EXPECT_EQ(open_fd_count(), before_loop);
}

TEST(Resolve, CancellingOneLookupLeavesTheOthers) {
  fake_dns_server server;
  server.never_answer("hang.braid.test");
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.family = address_family::ipv4;
    o.timeout = 60000ms;
    co_await resolve("localhost", 80, o);  // makes the channel without a query
    const auto baseline = open_fd_count();
    auto hung = create_task(resolve("hang.braid.test", 80, o));
    auto other = create_task(resolve("late.braid.test", 80, o));
    co_await until_queries(server, 2);
    hung.cancel();
    bool cancelled = false;
    try {
      co_await hung;
    } catch (const cancelled_error&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
    // late.braid.test is not in the table yet: it was answered NXDOMAIN, and that answer went to
    // `other` even though the query sharing its socket was abandoned.
    bool not_found = false;
    try {
      co_await other;
    } catch (const dns_not_found_error&) {
      not_found = true;
    }
    EXPECT_TRUE(not_found);
    EXPECT_EQ(open_fd_count(), baseline);  // the abandoned query ended with the last waited one
  });
}

TEST(Resolve, LoopCloseEndsLookupsStillRunning) {
  fake_dns_server server;
  server.never_answer("hang.braid.test");
  const auto before_loop = open_fd_count();
  run_test([&]() -> task<void> {
    auto o = options_for(server);
    o.timeout = 60000ms;
    auto hung = create_task(resolve("hang.braid.test", 80, o));
    co_await until_queries(server, 1);
    std::move(hung).detach();  // left running: run() cancels it and closes the loop
  });
  EXPECT_EQ(open_fd_count(), before_loop);
}

TEST(Resolve, BadNameServerIsDnsError) {
  run_test([&]() -> task<void> {
    resolve_options o;
    o.name_servers = {"not an address"};
    bool thrown = false;
    try {
      co_await resolve("a.braid.test", 80, o);
    } catch (const dns_error&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown);
  });
}

}  // namespace
}  // namespace braid::asyncio
