#include "braid/threading/semaphore.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "braid/threading/errors.hpp"
#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_semaphore, CountsUnits) {
  bt::semaphore s(2);
  EXPECT_TRUE(s.acquire());
  EXPECT_TRUE(s.acquire(false));
  EXPECT_FALSE(s.acquire(false));
  EXPECT_FALSE(s.acquire(20ms));
  s.release();
  EXPECT_EQ(s.value(), 1U);
  EXPECT_TRUE(s.acquire(20ms));
  s.release(2);
  EXPECT_EQ(s.value(), 2U);
  s.release(5);  // a plain semaphore may go above its initial value
  EXPECT_EQ(s.value(), 7U);
}

TEST(threading_semaphore, ReleaseWakesBlockedAcquirers) {
  bt::semaphore s(0);
  std::atomic<int> acquired{0};
  std::vector<bt::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      s.acquire();
      ++acquired;
    });
  }
  for (auto& t : threads) t.start();
  EXPECT_EQ(acquired, 0);  // no unit exists yet
  s.release(3);
  for (auto& t : threads) t.join();
  EXPECT_EQ(acquired, 3);
  EXPECT_EQ(s.value(), 0U);
}

TEST(threading_semaphore, WorksAsLockable) {
  bt::semaphore s(1);
  {
    std::lock_guard<bt::semaphore> guard(s);
    EXPECT_EQ(s.value(), 0U);
  }
  EXPECT_EQ(s.value(), 1U);
}

TEST(threading_semaphore, OverflowThrows) {
  bt::semaphore s(UINT32_MAX);
  EXPECT_THROW(s.release(), bt::value_error);
  EXPECT_EQ(s.value(), UINT32_MAX);
}

TEST(threading_bounded_semaphore, ReleaseAboveInitialValueThrows) {
  bt::bounded_semaphore b(2);
  EXPECT_THROW(b.release(), bt::value_error);
  EXPECT_TRUE(b.acquire());
  EXPECT_TRUE(b.acquire());
  EXPECT_THROW(b.release(3), bt::value_error);
  EXPECT_EQ(b.value(), 0U);  // the failed release changed nothing
  b.release(2);
  EXPECT_THROW(b.release(), bt::value_error);
  EXPECT_EQ(b.value(), 2U);
}

TEST(threading_bounded_semaphore, BoundsConcurrentHolders) {
  bt::bounded_semaphore b(2);
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  auto work = [&] {
    for (int i = 0; i < 2000; ++i) {
      std::lock_guard<bt::semaphore> guard(b);
      const int now = ++inside;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      --inside;
    }
  };
  bt::thread t1(work);
  bt::thread t2(work);
  bt::thread t3(work);
  t1.start();
  t2.start();
  t3.start();
  t1.join();
  t2.join();
  t3.join();
  EXPECT_LE(most, 2);
  EXPECT_EQ(b.value(), 2U);
}
