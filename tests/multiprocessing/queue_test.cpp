#include "braid/multiprocessing/queue.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "braid/multiprocessing/process.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;
using queue_test = braid_test::leak_checked;

namespace {
void produce(mp::queue<std::string> q, int n) {
  for (int i = 0; i < n; ++i) q.put("item " + std::to_string(i));
}
void consume(mp::joinable_queue<int> q, mp::queue<int> results) {
  for (;;) {
    const int x = q.get();
    if (x < 0) {
      q.task_done();
      return;
    }
    results.put(x * 10);
    q.task_done();
  }
}
struct bad {
  template <class A>
  void save(A&) const {
    throw std::runtime_error("bad cannot be encoded");
  }
  template <class A>
  void load(A&) {}
};
}  // namespace

TEST_F(queue_test, ItemsFromAChildArriveInOrder) {
  mp::queue<std::string> q;
  mp::process p(produce, q, 100);
  p.start();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(q.get(), "item " + std::to_string(i));
  p.join();
  EXPECT_TRUE(q.empty());
}

TEST_F(queue_test, PutSerialisesAtOnceAndThrowsThere) {
  mp::queue<bad> q;
  EXPECT_THROW(q.put(bad{}), std::runtime_error);
  EXPECT_EQ(q.qsize(), 0u);
}

TEST_F(queue_test, FullEmptyAndTimeouts) {
  mp::queue<int> q({.maxsize = 2});
  q.put(1);
  q.put(2);
  EXPECT_THROW(q.put_nowait(3), mp::queue_full);
  EXPECT_THROW(q.put(3, 1ms), mp::queue_full);
  EXPECT_EQ(q.get(), 1);
  EXPECT_EQ(q.get(), 2);
  EXPECT_THROW(q.get_nowait(), mp::queue_empty);
  EXPECT_THROW(q.get(1ms), mp::queue_empty);
  mp::queue<std::string> small({.capacity = 64});
  EXPECT_THROW(small.put(std::string(100, 'x')), mp::transfer_error);
}

// The overloads shaped as braid::threading::queue's, plus Python's `block` flag. The queue is
// filled or drained by the test itself, so the failing calls fail without waiting on anything.
TEST_F(queue_test, BlockFlagTimeoutOverloadsAndTryVariants) {
  mp::queue<int> q({.maxsize = 1});
  EXPECT_THROW(q.get(false), mp::queue_empty);
  EXPECT_THROW(q.get(0ns), mp::queue_empty);
  EXPECT_EQ(q.try_get(), std::nullopt);
  EXPECT_TRUE(q.try_put(7));
  EXPECT_FALSE(q.try_put(8));
  EXPECT_THROW(q.put(8, false), mp::queue_full);
  EXPECT_THROW(q.put(8, 0ns), mp::queue_full);
  EXPECT_EQ(q.qsize(), 1u);
  EXPECT_EQ(q.get(1ms), 7);
  q.put(9, 1ms);
  EXPECT_EQ(q.try_get(), std::optional<int>(9));
  q.put(10, true);
  EXPECT_EQ(q.get(false), 10);
  EXPECT_TRUE(q.empty());

  mp::queue<bool> flags;  // a bool item does not collide with the block flag
  flags.put(false);
  flags.put(true, false);
  EXPECT_FALSE(flags.get());
  EXPECT_TRUE(flags.get(1ms));
}

TEST_F(queue_test, WrapsAroundTheRing) {
  mp::simple_queue<std::string> q({.capacity = 100});
  for (int i = 0; i < 50; ++i) {
    q.put(std::string(static_cast<std::size_t>(i % 30), 'a'));
    EXPECT_EQ(q.get(), std::string(static_cast<std::size_t>(i % 30), 'a'));
  }
}

TEST_F(queue_test, JoinableQueueWaitsForTaskDone) {
  mp::joinable_queue<int> work;
  mp::queue<int> results;
  mp::process consumer(consume, work, results);
  consumer.start();
  for (int i = 1; i <= 5; ++i) work.put(i);
  work.put(-1);
  EXPECT_TRUE(work.join(30s));
  consumer.join();
  int sum = 0;
  while (!results.empty()) sum += results.get();
  EXPECT_EQ(sum, 150);
  EXPECT_THROW(work.task_done(), braid::futures::invalid_state_error);
}
