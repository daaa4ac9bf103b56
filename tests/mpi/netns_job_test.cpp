// braid::mpi across two network stacks: run only by netns_test.sh, which puts rank 0 in one
// network namespace and the worker rank in another (each with its own host name), joined by a
// veth pair, with OpenMPI's TCP transport (no shared memory) restricted to that link. The
// expected names and addresses come from the script through the environment.

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "braid/mpi/errors.hpp"
#include "braid/mpi/mpi_pool_executor.hpp"

namespace mpi = braid::mpi;

namespace {

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// This process's IPv4 addresses: those of its network namespace.
std::vector<std::string> addresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    out.emplace_back(text);
  }
  ::freeifaddrs(list);
  std::sort(out.begin(), out.end());
  return out;
}

// Where a task runs, as the worker sees it.
std::pair<std::string, std::vector<std::string>> where_it_runs(int) {
  return {host_name(), addresses()};
}

long triple(long x) {
  return 3 * x;
}

std::string reverse(std::string s) {
  std::reverse(s.begin(), s.end());
  return s;
}

int throws_out_of_range(int x) {
  throw std::out_of_range("no item " + std::to_string(x));
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class Netns : public ::testing::Test {
 protected:
  void SetUp() override {
    if (here_host.empty() || worker_host.empty() || here_addr.empty() || worker_addr.empty()) {
      GTEST_FAIL() << "run this binary through tests/mpi/netns_test.sh";
    }
  }
  const std::string here_host = env("BRAID_NETNS_HOST_A");
  const std::string worker_host = env("BRAID_NETNS_HOST_B");
  const std::string here_addr = env("BRAID_NETNS_ADDR_A");
  const std::string worker_addr = env("BRAID_NETNS_ADDR_B");
};

}  // namespace

TEST_F(Netns, TheWorkerRunsInTheOtherNetworkStack) {
  // Rank 0 sees only its own end of the link, the worker only the other.
  EXPECT_EQ(host_name(), here_host);
  EXPECT_TRUE(contains(addresses(), here_addr));
  EXPECT_FALSE(contains(addresses(), worker_addr));
  mpi::mpi_pool_executor pool;
  ASSERT_EQ(pool.max_workers(), 1u);
  const auto [host, addrs] = pool.submit(where_it_runs, 0).result();
  EXPECT_EQ(host, worker_host);
  EXPECT_TRUE(contains(addrs, worker_addr));
  EXPECT_FALSE(contains(addrs, here_addr));
}

TEST_F(Netns, SubmitMapAndMapUnorderedCrossTheLink) {
  mpi::mpi_pool_executor pool;
  std::vector<braid::futures::future<long>> futures;
  for (long i = 0; i < 100; ++i) futures.push_back(pool.submit(triple, i));
  for (long i = 0; i < 100; ++i) EXPECT_EQ(futures[static_cast<std::size_t>(i)].result(), 3 * i);

  std::vector<long> inputs(1000);
  std::iota(inputs.begin(), inputs.end(), 0L);
  for (std::size_t chunksize : {std::size_t{1}, std::size_t{100}}) {
    std::vector<long> got;
    for (long r : pool.map(triple, inputs, {.chunksize = chunksize})) got.push_back(r);
    ASSERT_EQ(got.size(), inputs.size());
    for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], 3 * inputs[i]);
  }
  std::multiset<long> unordered;
  for (long r : pool.map_unordered(triple, inputs, {.chunksize = 7})) unordered.insert(r);
  std::multiset<long> expected;
  for (long x : inputs) expected.insert(3 * x);
  EXPECT_EQ(unordered, expected);
}

TEST_F(Netns, AnExceptionComesBackNamingTheOtherHost) {
  mpi::mpi_pool_executor pool;
  try {
    pool.submit(throws_out_of_range, 7).result();
    ADD_FAILURE() << "no exception";
  } catch (const mpi::remote_error& e) {
    EXPECT_EQ(e.host(), worker_host);
    EXPECT_EQ(e.rank(), 1);
    EXPECT_NE(std::string(e.what()).find("no item 7"), std::string::npos) << e.what();
  }
}

TEST_F(Netns, SixteenMebibytesTravelBothWays) {
  mpi::mpi_pool_executor pool;
  std::string big(std::size_t{16} << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  std::string expected = big;
  std::reverse(expected.begin(), expected.end());
  EXPECT_TRUE(pool.submit(reverse, big).result() == expected);
}
