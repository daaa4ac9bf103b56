#include "workload.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace braid::tool {
namespace {

using namespace std::chrono_literals;

TEST(BraidToolWorkload, CountPrimesBelow) {
  EXPECT_EQ(count_primes_below(0), 0u);
  EXPECT_EQ(count_primes_below(2), 0u);
  EXPECT_EQ(count_primes_below(3), 1u);
  EXPECT_EQ(count_primes_below(10), 4u);
  EXPECT_EQ(count_primes_below(100), 25u);
  EXPECT_EQ(count_primes_below(1000), 168u);
  EXPECT_EQ(count_primes_below(1'000'000), 78'498u);
}

TEST(BraidToolWorkload, RegistryHasOneCpuAndOneIoWorkload) {
  ASSERT_NE(find_workload("cpu"), nullptr);
  ASSERT_NE(find_workload("sleep"), nullptr);
  EXPECT_EQ(find_workload("cpu")->kind, workload_kind::cpu);
  EXPECT_EQ(find_workload("sleep")->kind, workload_kind::io);
  EXPECT_EQ(find_workload("nope"), nullptr);
}

TEST(BraidToolWorkload, DefaultsAndOverrides) {
  const workload cpu = find_workload("cpu")->make({});
  const workload io = find_workload("sleep")->make({});
  EXPECT_EQ(cpu.tasks, 8u);
  EXPECT_EQ(io.tasks, 32u);
  EXPECT_EQ(io.description,
            "32 tasks, each waits 50 ms for a simulated reply (sleeps, using no CPU)");

  const workload small = find_workload("cpu")->make({.tasks = 3, .cpu_size = 1000});
  EXPECT_EQ(small.tasks, 3u);
  EXPECT_EQ(small.run_one(0), 168u);
  EXPECT_EQ(small.description, "3 tasks, each counts the primes below 1,000 by trial division");
}

TEST(BraidToolWorkload, IoTaskWaitsForTheLatency) {
  const workload io = find_workload("sleep")->make({.tasks = 1, .io_latency = 20ms});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(io.run_one(0), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

}  // namespace
}  // namespace braid::tool
