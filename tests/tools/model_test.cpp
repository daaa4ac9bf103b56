#include "model.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "braid/futures/thread_pool_executor.hpp"

namespace braid::tool {
namespace {

TEST(BraidToolModel, SequentialComesFirstBecauseItIsTheBaseline) {
  ASSERT_FALSE(model_registry().empty());
  EXPECT_EQ(model_registry().front().name, "sequential");
  EXPECT_NE(find_model("thread_per_task"), nullptr);
  EXPECT_NE(find_model("thread_pool"), nullptr);
  EXPECT_NE(find_model("asyncio"), nullptr);
  EXPECT_EQ(find_model("nope"), nullptr);
}

// A task worker processes can name: a plain function of one number.
std::uint64_t plus_one(std::uint64_t x, std::uint64_t) {
  return x + 1;
}

TEST(BraidToolModel, EveryInProcessModelRunsEveryTaskOnce) {
  std::atomic<std::uint64_t> seen{0};
  const workload work{.name = "test",
                      .kind = workload_kind::cpu,
                      .tasks = 10,
                      .run_one = [&seen](std::size_t i) -> std::uint64_t {
                        seen.fetch_or(std::uint64_t{1} << i);
                        return i + 1;
                      }};
  for (const auto& m : model_registry()) {
    // These two run run_one_remote in worker processes: see the tests below.
    if (m.name == "process_pool" || m.name == "asyncio_process_pool") continue;
    seen = 0;
    const model_result result = m.run(work);
    EXPECT_EQ(result.checksum, 55u) << m.name;
    EXPECT_EQ(seen.load(), 0x3ffu) << m.name;
  }
}

TEST(BraidToolModel, ProcessPoolRunsTheRemoteFormInWorkerProcesses) {
  const workload work{.name = "test",
                      .kind = workload_kind::cpu,
                      .tasks = 10,
                      .run_one_remote = &plus_one,
                      .remote_argument = 4};
  const model_result result = find_model("process_pool")->run(work);
  EXPECT_EQ(result.checksum, 50u);
  EXPECT_GE(result.processes, 1u);
}

TEST(BraidToolModel, ProcessPoolRefusesAWorkloadWithNoRemoteForm) {
  const workload work{.name = "test",
                      .kind = workload_kind::cpu,
                      .tasks = 1,
                      .run_one = [](std::size_t) -> std::uint64_t { return 1; }};
  EXPECT_THROW(find_model("process_pool")->run(work), std::invalid_argument);
}

TEST(BraidToolModel, ThreadCounts) {
  const workload work{.name = "test",
                      .kind = workload_kind::io,
                      .tasks = 7,
                      .run_one = [](std::size_t) -> std::uint64_t {
                        std::this_thread::sleep_for(std::chrono::milliseconds(5));
                        return 1;
                      }};
  EXPECT_EQ(find_model("sequential")->run(work).threads, 1u);
  EXPECT_EQ(find_model("thread_per_task")->run(work).threads, 7u);
  const std::size_t pool_threads = find_model("thread_pool")->run(work).threads;
  EXPECT_GE(pool_threads, 1u);
  EXPECT_LE(pool_threads, futures::thread_pool_executor::default_max_workers());
  EXPECT_EQ(find_model("asyncio")->run(work).threads, 1u);
}

TEST(BraidToolModel, AsyncioWaitsForIoTasksConcurrentlyOnOneThread) {
  // The io workload from the registry, watched: every one of its 20 tasks is waiting at once
  // (all started before the first finished), on one thread. Counted, not timed.
  workload work =
      find_workload("sleep")->make({.tasks = 20, .io_latency = std::chrono::milliseconds(5)});
  std::size_t in_flight = 0;
  std::size_t most_in_flight = 0;
  auto inner = work.run_one_async;
  work.run_one_async = [&, inner](std::size_t i) -> asyncio::task<std::uint64_t> {
    return [](auto inner, std::size_t i, std::size_t& in_flight,
              std::size_t& most) -> asyncio::task<std::uint64_t> {
      most = std::max(most, ++in_flight);
      const std::uint64_t value = co_await inner(i);
      --in_flight;
      co_return value;
    }(inner, i, in_flight, most_in_flight);
  };
  const model_result result = find_model("asyncio")->run(work);
  EXPECT_EQ(result.checksum, 20u);
  EXPECT_EQ(result.threads, 1u);
  EXPECT_EQ(most_in_flight, 20u);
  EXPECT_EQ(in_flight, 0u);
}

}  // namespace
}  // namespace braid::tool
