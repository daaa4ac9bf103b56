// Coroutine frames and task states come from braid::futures' per-thread block pool (its own
// tests are in tests/futures/block_pool_test.cpp): tasks run on pooled frames on several loops.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

task<int> leaf(int v) {
  co_return v;
}

task<int> sum_of_tasks(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    auto h = create_task(leaf(i));
    sum += co_await h;
  }
  co_return sum;
}

TEST(BlockPool, TasksRunOnPooledFramesOnSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> sums(2);
  for (int k = 0; k < 2; ++k) {
    threads.emplace_back(
        [&sums, k] { sums[k] = run(sum_of_tasks(10000), {.handle_sigint = false}); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sums[0], 10000 * 9999 / 2);
  EXPECT_EQ(sums[1], 10000 * 9999 / 2);
}

}  // namespace
}  // namespace braid::asyncio
