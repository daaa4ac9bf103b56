#include "braid/threading/condition.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "braid/threading/errors.hpp"
#include "braid/threading/event.hpp"
#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_condition, WaitForPredicateSeesChange) {
  bt::condition c;
  int value = 0;
  bt::thread producer([&] {
    std::lock_guard<bt::condition> guard(c);
    value = 1;
    c.notify_all();
  });
  std::unique_lock<bt::condition> guard(c);
  producer.start();
  EXPECT_TRUE(c.wait_for([&] { return value == 1; }, 60s));
  guard.unlock();
  producer.join();
}

TEST(threading_condition, WaitForPredicateWithoutTimeout) {
  bt::condition c;
  int value = 0;
  bt::thread producer([&] {
    std::lock_guard<bt::condition> guard(c);
    value = 2;
    c.notify();
  });
  std::unique_lock<bt::condition> guard(c);
  producer.start();
  c.wait_for([&] { return value == 2; });
  EXPECT_EQ(value, 2);
  guard.unlock();
  producer.join();
}

TEST(threading_condition, WaitForPredicateTimesOutWithLastValue) {
  bt::condition c;
  std::lock_guard<bt::condition> guard(c);
  int calls = 0;
  EXPECT_FALSE(c.wait_for(
      [&] {
        ++calls;
        return false;
      },
      20ms));
  EXPECT_GE(calls, 2);  // checked before waiting and after the timeout
}

TEST(threading_condition, WaitTimesOutWithoutNotify) {
  bt::condition c;
  std::lock_guard<bt::condition> guard(c);
  EXPECT_FALSE(c.wait_for(20ms));
}

TEST(threading_condition, NotifyWakesExactlyN) {
  bt::lock l;
  bt::condition c(l);
  bt::condition woke(l);  // a second condition on the same lock: "a waiter of c woke"
  int waiting = 0;
  int woken = 0;
  bt::event all_waiting;
  std::vector<bt::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      std::lock_guard<bt::lock> guard(l);
      if (++waiting == 3) all_waiting.set();
      c.wait();
      ++woken;
      woke.notify_all();
    });
  }
  for (auto& t : threads) t.start();
  all_waiting.wait();
  std::unique_lock<bt::lock> guard(l);
  // Every waiter is queued on c: each one enqueued itself before it released the lock.
  c.notify(2);
  EXPECT_TRUE(woke.wait_for([&] { return woken == 2; }, 60s));
  EXPECT_EQ(woken, 2);  // the third is still queued: nothing but a notify can wake it
  c.notify_all();
  EXPECT_TRUE(woke.wait_for([&] { return woken == 3; }, 60s));
  guard.unlock();
  for (auto& t : threads) t.join();
}

TEST(threading_condition, WaitReleasesEveryLevelOfAnRlock) {
  bt::rlock r;
  bt::condition c(r);
  bool ready = false;
  bt::thread t([&] {
    std::lock_guard<bt::rlock> guard(r);  // possible only if wait released both levels
    ready = true;
    c.notify();
  });
  std::lock_guard<bt::rlock> outer(r);
  std::lock_guard<bt::rlock> inner(r);
  t.start();
  c.wait_for([&] { return ready; });
  EXPECT_TRUE(r.owned_by_current_thread());
  t.join();
}

TEST(threading_condition, WorksWithStdMutex) {
  std::mutex m;
  bt::condition c(m);
  bool ready = false;
  bt::thread t([&] {
    std::lock_guard<std::mutex> guard(m);
    ready = true;
    c.notify_all();
  });
  std::unique_lock<std::mutex> guard(m);
  t.start();
  EXPECT_TRUE(c.wait_for([&] { return ready; }, 60s));
  guard.unlock();
  t.join();
}

TEST(threading_condition, WaitOrNotifyWithoutLockThrows) {
  bt::condition c;
  EXPECT_THROW(c.wait(), braid::invalid_state_error);
  EXPECT_THROW(c.notify(), braid::invalid_state_error);
  EXPECT_THROW(c.notify_all(), braid::invalid_state_error);
  bt::lock l;
  bt::condition cl(l);
  EXPECT_THROW((void)cl.wait_for(1ms), braid::invalid_state_error);
}

// Python's Condition.acquire(blocking, timeout) passes through to its lock.
TEST(threading_condition, AcquireWithoutBlockingOrWithATimeout) {
  bt::lock l;
  bt::condition c(l);
  EXPECT_TRUE(c.acquire(false));
  EXPECT_FALSE(c.acquire(false));  // held (a lock is not recursive)
  EXPECT_FALSE(c.acquire(1ms));
  c.release();
  EXPECT_TRUE(c.acquire(1ms));
  c.release();

  bt::condition own;  // its own rlock: the holder may take it again
  EXPECT_TRUE(own.acquire(false));
  EXPECT_TRUE(own.acquire(false));
  own.release();
  own.release();

  std::mutex m;
  bt::condition cm(m);
  EXPECT_TRUE(cm.try_lock());
  EXPECT_FALSE(cm.acquire(false));
  cm.release();
}

TEST(threading_condition, NonBlockingAcquireOfALockWithoutTryLockIsAValueError) {
  struct basic_only {
    void lock() { m.lock(); }
    void unlock() { m.unlock(); }
    std::mutex m;
  } l;
  bt::condition c(l);
  EXPECT_THROW(c.acquire(false), braid::value_error);
  EXPECT_THROW(c.acquire(1ms), braid::value_error);
}
