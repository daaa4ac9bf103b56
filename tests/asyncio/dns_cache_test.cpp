// The resolver's TTL cache on its own (src/asyncio/dns/dns_cache.hpp): expiry and the bound.
#include "dns/dns_cache.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>

namespace braid::asyncio::detail {
namespace {

using namespace std::chrono_literals;

dns_answer answer_of(const char* ip) {
  return dns_answer{{socket_address::from_ip(ip, 0)}, ""};
}

TEST(DnsCache, AnswerExpiresAtItsDeadline) {
  dns_cache cache(8);
  const time_point t0{};
  cache.insert(dns_cache::key("a.test", AF_INET), answer_of("10.0.0.1"), t0 + 10s);
  EXPECT_NE(cache.find(dns_cache::key("A.TEST.", AF_INET), t0 + 9s), nullptr);
  EXPECT_EQ(cache.find(dns_cache::key("a.test", AF_INET6), t0), nullptr);  // per family
  EXPECT_EQ(cache.find(dns_cache::key("a.test", AF_INET), t0 + 10s), nullptr);
  EXPECT_EQ(cache.size(), 0u);  // the expired entry is gone
}

TEST(DnsCache, LeastRecentlyUsedGoesWhenFull) {
  dns_cache cache(2);
  const time_point t0{};
  cache.insert("a", answer_of("10.0.0.1"), t0 + 1h);
  cache.insert("b", answer_of("10.0.0.2"), t0 + 1h);
  EXPECT_NE(cache.find("a", t0), nullptr);  // b is now the least recently used
  cache.insert("c", answer_of("10.0.0.3"), t0 + 1h);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.find("a", t0), nullptr);
  EXPECT_EQ(cache.find("b", t0), nullptr);
  EXPECT_NE(cache.find("c", t0), nullptr);
  cache.insert("a", answer_of("10.0.0.9"), t0 + 1h);  // replaces
  EXPECT_EQ(cache.find("a", t0)->addresses[0].host(), "10.0.0.9");
}

TEST(DnsCache, ZeroCapacityKeepsNothing) {
  dns_cache cache(0);
  cache.insert("a", answer_of("10.0.0.1"), time_point{} + 1h);
  EXPECT_EQ(cache.find("a", time_point{}), nullptr);
}

}  // namespace
}  // namespace braid::asyncio::detail
