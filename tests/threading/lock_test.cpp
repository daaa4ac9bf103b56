#include "braid/threading/lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include "braid/threading/errors.hpp"
#include "braid/threading/event.hpp"
#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_lock, AcquireAndRelease) {
  bt::lock l;
  EXPECT_FALSE(l.locked());
  EXPECT_TRUE(l.acquire());
  EXPECT_TRUE(l.locked());
  EXPECT_FALSE(l.acquire(false));
  l.release();
  EXPECT_FALSE(l.locked());
}

TEST(threading_lock, AcquireTimesOutWhileHeld) {
  bt::lock l;
  l.acquire();
  EXPECT_FALSE(l.acquire(20ms));
  EXPECT_FALSE(l.acquire(0ms));
  l.release();
  EXPECT_TRUE(l.acquire(20ms));
  l.release();
}

TEST(threading_lock, ReleasingUnlockedThrows) {
  bt::lock l;
  EXPECT_THROW(l.release(), braid::invalid_state_error);
}

TEST(threading_lock, AnyThreadMayRelease) {
  bt::lock l;
  l.acquire();
  bt::thread t([&] { l.release(); });
  t.start();
  t.join();
  EXPECT_FALSE(l.locked());
}

TEST(threading_lock, BlockedAcquireWakesOnRelease) {
  bt::lock l;
  l.acquire();
  std::atomic<bool> got{false};
  bt::thread t([&] {
    l.acquire();
    got = true;
    l.release();
  });
  t.start();
  EXPECT_FALSE(got);  // cannot have it: we hold the lock
  l.release();
  t.join();
  EXPECT_TRUE(got);
}

TEST(threading_lock, WorksWithStandardGuards) {
  bt::lock l;
  {
    std::lock_guard<bt::lock> guard(l);
    EXPECT_TRUE(l.locked());
  }
  {
    std::unique_lock<bt::lock> guard(l, std::defer_lock);
    EXPECT_TRUE(guard.try_lock_for(10ms));
    guard.unlock();
    EXPECT_TRUE(guard.try_lock_until(std::chrono::steady_clock::now() + 10ms));
  }
  bt::lock other;
  {
    std::scoped_lock guard(l, other);
    EXPECT_TRUE(l.locked());
    EXPECT_TRUE(other.locked());
  }
  EXPECT_FALSE(l.locked());
  EXPECT_FALSE(other.locked());
}

TEST(threading_lock, MutualExclusionUnderContention) {
  bt::lock l;
  long counter = 0;
  auto work = [&] {
    for (int i = 0; i < 20000; ++i) {
      std::lock_guard<bt::lock> guard(l);
      ++counter;
    }
  };
  bt::thread a(work);
  bt::thread b(work);
  a.start();
  b.start();
  a.join();
  b.join();
  EXPECT_EQ(counter, 40000);
}
