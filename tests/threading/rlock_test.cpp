#include "braid/threading/rlock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>

#include "braid/threading/errors.hpp"
#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_rlock, OwnerMayAcquireRecursively) {
  bt::rlock r;
  EXPECT_TRUE(r.acquire());
  EXPECT_TRUE(r.acquire());
  EXPECT_TRUE(r.acquire(false));
  EXPECT_TRUE(r.acquire(1ms));
  EXPECT_TRUE(r.owned_by_current_thread());
  r.release();
  r.release();
  r.release();
  EXPECT_TRUE(r.locked());
  r.release();
  EXPECT_FALSE(r.locked());
  EXPECT_FALSE(r.owned_by_current_thread());
}

TEST(threading_rlock, OtherThreadsCannotAcquireOrRelease) {
  bt::rlock r;
  r.acquire();
  r.acquire();
  bool acquired_nonblocking = true;
  bool acquired_timed = true;
  bool release_threw = false;
  bt::thread t([&] {
    acquired_nonblocking = r.acquire(false);
    acquired_timed = r.acquire(20ms);
    try {
      r.release();
    } catch (const braid::invalid_state_error&) {
      release_threw = true;
    }
  });
  t.start();
  t.join();
  EXPECT_FALSE(acquired_nonblocking);
  EXPECT_FALSE(acquired_timed);
  EXPECT_TRUE(release_threw);
  r.release();
  r.release();
}

TEST(threading_rlock, ReleaseWithoutAcquireThrows) {
  bt::rlock r;
  EXPECT_THROW(r.release(), braid::invalid_state_error);
}

TEST(threading_rlock, HandedOverAfterFullRelease) {
  bt::rlock r;
  std::unique_lock<bt::rlock> outer(r);
  std::unique_lock<bt::rlock> inner(r);
  bool got = false;
  bt::thread t([&] {
    std::lock_guard<bt::rlock> guard(r);
    got = true;
  });
  t.start();
  inner.unlock();
  EXPECT_FALSE(t.join(20ms));  // still held once
  outer.unlock();
  t.join();
  EXPECT_TRUE(got);
}
