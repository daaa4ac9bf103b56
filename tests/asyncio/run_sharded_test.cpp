// run_sharded: one loop per thread on N threads.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

struct seen_t {
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::set<const event_loop*> loops;
  std::set<std::size_t> shards;
  std::atomic<int> arrived{0};
};

task<void> shard_main(std::size_t shard, seen_t& seen) {
  ++seen.arrived;
  while (seen.arrived.load() < 4) co_await sleep(1ms);  // all four loops are alive at once
  std::lock_guard lock(seen.mutex);
  seen.threads.insert(std::this_thread::get_id());
  seen.loops.insert(event_loop::current());
  seen.shards.insert(shard);
}

TEST(RunSharded, OneLoopPerThread) {
  seen_t seen;
  run_sharded(4, [&seen](std::size_t shard) { return shard_main(shard, seen); });
  EXPECT_EQ(seen.shards, (std::set<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(seen.threads.size(), 4u);
  EXPECT_EQ(seen.loops.size(), 4u);
  EXPECT_EQ(seen.threads.count(std::this_thread::get_id()), 0u);
}

task<void> fail_or_wait(std::size_t shard, std::atomic<int>& started, std::atomic<int>& cancelled) {
  if (shard == 2) {
    while (started.load() < 2) co_await sleep(1ms);
    throw std::runtime_error("shard 2 failed");
  }
  ++started;
  try {
    co_await sleep(1h);
  } catch (const cancelled_error&) {
    ++cancelled;
    throw;
  }
}

TEST(RunSharded, AFailureCancelsTheOtherShards) {
  std::atomic<int> started{0};
  std::atomic<int> cancelled{0};
  try {
    run_sharded(3, [&](std::size_t shard) { return fail_or_wait(shard, started, cancelled); });
    ADD_FAILURE() << "no error";
  } catch (const exception_group& g) {
    ASSERT_EQ(g.exceptions().size(), 1u);
    EXPECT_THROW(std::rethrow_exception(g.exceptions()[0]), std::runtime_error);
  }
  EXPECT_EQ(cancelled.load(), 2);
}

TEST(RunSharded, RejectsZeroShardsAndASharedClock) {
  auto noop = [](std::size_t) -> task<void> { co_return; };
  EXPECT_THROW(run_sharded(0, noop), invalid_state_error);
  virtual_clock clock;
  EXPECT_THROW(run_sharded(2, noop, {.clock = &clock}), invalid_state_error);
  run_sharded(1, noop, {.clock = &clock});  // one shard may use it
}

task<int> on_other_loop(int x) {
  co_await sleep(0s);
  co_return x * 2;
}

// Shard 0 hands work to shard 1's loop with run_coroutine_threadsafe and awaits the future.
task<void> talk(std::size_t shard, std::atomic<event_loop*>& loop1, std::atomic<int>& result) {
  if (shard == 1) {
    loop1 = event_loop::current();
    while (result.load() == 0) co_await sleep(1ms);
    co_return;
  }
  while (loop1.load() == nullptr) co_await sleep(1ms);
  auto f = run_coroutine_threadsafe(on_other_loop(21), *loop1.load());
  const int v = co_await f;
  result = v;
}

TEST(RunSharded, ShardsTalkThroughThreadsafeCalls) {
  std::atomic<event_loop*> loop1{nullptr};
  std::atomic<int> result{0};
  run_sharded(2, [&](std::size_t shard) { return talk(shard, loop1, result); });
  EXPECT_EQ(result.load(), 42);
}

}  // namespace
}  // namespace braid::asyncio
