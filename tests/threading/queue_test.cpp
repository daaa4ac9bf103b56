// Tests for queue, lifo_queue, priority_queue and simple_queue (one shared implementation).
#include "braid/threading/queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/threading.hpp"  // the umbrella compiles on its own
#include "braid/threading/lifo_queue.hpp"
#include "braid/threading/priority_queue.hpp"
#include "braid/threading/simple_queue.hpp"
#include "braid/threading/thread.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

namespace {

template <class Q>
std::vector<int> drain(Q& q) {
  std::vector<int> out;
  while (auto item = q.try_get()) out.push_back(*item);
  return out;
}

}  // namespace

TEST(threading_queue, FifoOrder) {
  bt::queue<int> q;
  for (int i : {3, 1, 2}) q.put(i);
  EXPECT_EQ(q.qsize(), 3U);
  EXPECT_EQ(drain(q), (std::vector<int>{3, 1, 2}));
  EXPECT_TRUE(q.empty());
}

TEST(threading_queue, LifoOrder) {
  bt::lifo_queue<int> q;
  for (int i : {3, 1, 2}) q.put(i);
  EXPECT_EQ(drain(q), (std::vector<int>{2, 1, 3}));
}

TEST(threading_queue, PriorityOrderIsSmallestFirst) {
  bt::priority_queue<int> q;
  for (int i : {5, 1, 4, 2, 3}) q.put(i);
  EXPECT_EQ(drain(q), (std::vector<int>{1, 2, 3, 4, 5}));
  bt::priority_queue<std::pair<int, std::string>> tasks;
  tasks.put({2, "later"});
  tasks.put({1, "first"});
  EXPECT_EQ(tasks.get().second, "first");
}

TEST(threading_queue, PriorityOrderWithCustomCompare) {
  bt::priority_queue<int, std::greater<int>> q;
  for (int i : {5, 1, 4, 2, 3}) q.put(i);
  EXPECT_EQ(drain(q), (std::vector<int>{5, 4, 3, 2, 1}));
}

TEST(threading_queue, SimpleQueueOrder) {
  bt::simple_queue<int> q;
  for (int i : {3, 1, 2}) q.put(i);
  q.put_nowait(4);
  EXPECT_EQ(q.qsize(), 4U);
  EXPECT_EQ(q.get(), 3);
  EXPECT_EQ(q.get(10ms), 1);
  EXPECT_EQ(q.get_nowait(), 2);
  EXPECT_EQ(q.try_get(), std::optional<int>(4));
  EXPECT_TRUE(q.empty());
  EXPECT_THROW(q.get_nowait(), bt::queue_empty);
  EXPECT_THROW(q.get(20ms), bt::queue_empty);
  EXPECT_EQ(q.try_get(), std::nullopt);
}

TEST(threading_queue, PutTimesOutWhenFull) {
  bt::queue<int> q(1);
  EXPECT_EQ(q.maxsize(), 1U);
  q.put(1);
  EXPECT_TRUE(q.full());
  EXPECT_THROW(q.put(2, 20ms), bt::queue_full);
  EXPECT_THROW(q.put_nowait(2), bt::queue_full);
  EXPECT_FALSE(q.try_put(2));
  const int copy = 3;
  EXPECT_FALSE(q.try_put(copy));
  EXPECT_EQ(q.qsize(), 1U);
}

TEST(threading_queue, GetTimesOutWhenEmpty) {
  bt::queue<int> q;
  EXPECT_THROW(q.get(20ms), bt::queue_empty);
  EXPECT_THROW(q.get_nowait(), bt::queue_empty);
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_FALSE(q.full());  // unbounded
}

TEST(threading_queue, BlockedGetWakesOnPut) {
  bt::queue<int> q;
  int got = 0;
  bt::thread consumer([&] { got = q.get(); });
  consumer.start();
  q.put(42);
  consumer.join();
  EXPECT_EQ(got, 42);
}

TEST(threading_queue, BlockedPutWakesOnGet) {
  bt::queue<int> q(1);
  q.put(1);
  bt::thread producer([&] { q.put(2); });
  producer.start();
  EXPECT_EQ(q.get(), 1);
  EXPECT_EQ(q.get(), 2);
  producer.join();
}

TEST(threading_queue, ProducersAndConsumersLoseNothing) {
  bt::queue<int> q(8);
  std::atomic<long> sum{0};
  auto produce = [&] {
    for (int i = 1; i <= 1000; ++i) q.put(i);
  };
  auto consume = [&] {
    for (int i = 0; i < 1000; ++i) {
      sum += q.get();
      q.task_done();
    }
  };
  bt::thread p1(produce), p2(produce), c1(consume), c2(consume);
  for (auto* t : {&p1, &p2, &c1, &c2}) t->start();
  q.join();
  for (auto* t : {&p1, &p2, &c1, &c2}) t->join();
  EXPECT_EQ(sum, 2 * 500500);
}

TEST(threading_queue, JoinWaitsForEveryTaskDone) {
  bt::queue<int> q;
  for (int i = 0; i < 3; ++i) q.put(i);
  std::atomic<bool> joined{false};
  bt::thread joiner([&] {
    q.join();
    joined = true;
  });
  joiner.start();
  for (int i = 0; i < 3; ++i) (void)q.get();
  q.task_done();
  q.task_done();
  // One item is still unfinished, so join() cannot have returned, whatever the timing.
  EXPECT_FALSE(joined);
  q.task_done();
  joiner.join();
  EXPECT_TRUE(joined);
  q.join();  // nothing unfinished: returns at once
}

TEST(threading_queue, TooManyTaskDoneThrows) {
  bt::queue<int> q;
  EXPECT_THROW(q.task_done(), bt::value_error);
  q.put(1);
  (void)q.get();
  q.task_done();
  EXPECT_THROW(q.task_done(), bt::value_error);
}

TEST(threading_queue, ShutdownStopsPutsAndDrainsGets) {
  bt::queue<int> q;
  q.put(1);
  q.put(2);
  q.shutdown();
  EXPECT_TRUE(q.is_shut_down());
  EXPECT_THROW(q.put(3), bt::queue_shut_down);
  EXPECT_THROW(q.put_nowait(3), bt::queue_shut_down);
  EXPECT_THROW((void)q.try_put(3), bt::queue_shut_down);
  EXPECT_EQ(q.get(), 1);
  EXPECT_EQ(q.get_nowait(), 2);
  EXPECT_THROW(q.get(), bt::queue_shut_down);
  EXPECT_THROW(q.get(20ms), bt::queue_shut_down);
  EXPECT_THROW((void)q.try_get(), bt::queue_shut_down);
  q.shutdown();  // idempotent
}

TEST(threading_queue, ShutdownWakesBlockedGettersAndPutters) {
  bt::queue<int> empty;
  bt::queue<int> full(1);
  full.put(1);
  std::atomic<int> shut_down{0};
  bt::thread getter([&] {
    try {
      (void)empty.get();
    } catch (const bt::queue_shut_down&) {
      ++shut_down;
    }
  });
  bt::thread putter([&] {
    try {
      full.put(2);
    } catch (const bt::queue_shut_down&) {
      ++shut_down;
    }
  });
  getter.start();
  putter.start();
  // Whether they block before or after the shutdown, both must end with queue_shut_down.
  empty.shutdown();
  full.shutdown();
  getter.join();
  putter.join();
  EXPECT_EQ(shut_down, 2);
  EXPECT_EQ(full.get(), 1);  // a normal shutdown still hands out what is queued
}

TEST(threading_queue, ImmediateShutdownDiscardsItemsAndReleasesJoin) {
  bt::queue<int> q;
  for (int i = 0; i < 3; ++i) q.put(i);
  EXPECT_EQ(q.get(), 0);  // taken but not yet task_done()
  std::atomic<bool> joined{false};
  bt::thread joiner([&] {
    q.join();
    joined = true;
  });
  joiner.start();
  q.shutdown(true);
  EXPECT_EQ(q.qsize(), 0U);
  EXPECT_THROW(q.get(), bt::queue_shut_down);
  // The two discarded items count as done; the one taken does not.
  EXPECT_FALSE(joined);
  q.task_done();
  joiner.join();
  EXPECT_TRUE(joined);
}

TEST(threading_queue, ImmediateShutdownWakesBlockedGetter) {
  bt::lifo_queue<int> q;
  bool threw = false;
  bt::thread getter([&] {
    try {
      (void)q.get();
    } catch (const bt::queue_shut_down&) {
      threw = true;
    }
  });
  getter.start();
  q.shutdown(true);
  getter.join();
  EXPECT_TRUE(threw);
}

TEST(threading_queue, MoveOnlyItems) {
  bt::queue<std::unique_ptr<int>> q(1);
  q.put(std::make_unique<int>(1));
  auto second = std::make_unique<int>(2);
  EXPECT_FALSE(q.try_put(std::move(second)));
  ASSERT_NE(second, nullptr);  // a failed put leaves the item with the caller
  EXPECT_THROW(q.put(std::move(second), 1ms), bt::queue_full);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(*q.get(), 1);
  EXPECT_TRUE(q.try_put(std::move(second)));
  EXPECT_EQ(*q.try_get().value(), 2);

  bt::lifo_queue<std::unique_ptr<int>> lifo;
  lifo.put(std::make_unique<int>(1));
  lifo.put_nowait(std::make_unique<int>(2));
  EXPECT_EQ(*lifo.get(), 2);

  auto by_value = [](const std::unique_ptr<int>& a, const std::unique_ptr<int>& b) {
    return *a < *b;
  };
  bt::priority_queue<std::unique_ptr<int>, decltype(by_value)> heap(0, by_value);
  heap.put(std::make_unique<int>(3));
  heap.put(std::make_unique<int>(1));
  heap.put(std::make_unique<int>(2));
  EXPECT_EQ(*heap.get(), 1);
  EXPECT_EQ(*heap.get_nowait(), 2);
  EXPECT_EQ(*heap.get(1ms), 3);

  bt::simple_queue<std::unique_ptr<int>> simple;
  simple.put(std::make_unique<int>(5));
  EXPECT_EQ(*simple.get(), 5);
}
