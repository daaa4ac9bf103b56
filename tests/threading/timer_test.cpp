#include "braid/threading/timer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "braid/threading/event.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_timer, RunsFunctionWithArguments) {
  bt::event fired;
  int out = 0;
  bt::timer t(
      1ms,
      [&](int value) {
        out = value;
        fired.set();
      },
      42);
  EXPECT_FALSE(t.finished());
  t.start();
  fired.wait();
  t.join();
  EXPECT_EQ(out, 42);
  EXPECT_TRUE(t.finished());
}

TEST(threading_timer, CancelTakesEffectPromptly) {
  std::atomic<bool> ran{false};
  bt::timer t(std::chrono::hours(1), [&] { ran = true; });
  t.start();
  t.cancel();
  // Well under the interval: only a prompt cancel lets the thread end in time.
  EXPECT_TRUE(t.join(60s));
  EXPECT_FALSE(ran);
  EXPECT_TRUE(t.finished());
}

TEST(threading_timer, CancelBeforeStartMeansNeverRuns) {
  std::atomic<bool> ran{false};
  bt::timer t(bt::thread_options{"tick", false}, 0s, [&] { ran = true; });
  t.cancel();
  t.start();
  t.join();
  EXPECT_FALSE(ran);
  EXPECT_EQ(t.name(), "tick");
}
