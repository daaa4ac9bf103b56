#include "braid/threading/event.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_event, SetClearIsSet) {
  bt::event e;
  EXPECT_FALSE(e.is_set());
  e.set();
  EXPECT_TRUE(e.is_set());
  e.set();  // idempotent
  EXPECT_TRUE(e.is_set());
  e.clear();
  EXPECT_FALSE(e.is_set());
}

TEST(threading_event, WaitTimesOutWhenNotSet) {
  bt::event e;
  EXPECT_FALSE(e.wait(20ms));
  EXPECT_FALSE(e.wait(0ms));
  e.set();
  EXPECT_TRUE(e.wait(0ms));
  EXPECT_TRUE(e.wait(20ms));
  e.wait();
}

TEST(threading_event, SetWakesEveryWaiter) {
  bt::event e;
  std::vector<bt::thread> threads;
  std::vector<int> results(4, 0);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&e, &results, i] {
      if (i % 2 == 0) {
        e.wait();
        results[static_cast<std::size_t>(i)] = 1;
      } else {
        results[static_cast<std::size_t>(i)] = e.wait(60s) ? 1 : 2;
      }
    });
  }
  for (auto& t : threads) t.start();
  e.set();
  for (auto& t : threads) t.join();
  EXPECT_EQ(results, (std::vector<int>{1, 1, 1, 1}));
}

TEST(threading_event, ClearedEventBlocksAgain) {
  bt::event e;
  e.set();
  e.clear();
  EXPECT_FALSE(e.wait(20ms));
}
