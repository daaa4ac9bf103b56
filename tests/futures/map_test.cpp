#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <latch>
#include <vector>

#include "braid/futures/thread_pool_executor.hpp"
#include "busy_worker.hpp"

namespace braid::futures {
namespace {

using namespace std::chrono_literals;

// An endless range 0, 1, 2, ... that counts how far it has been read.
struct counting_range {
  struct iterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = int;
    using difference_type = std::ptrdiff_t;
    int value = 0;
    std::atomic<int>* reads = nullptr;
    int operator*() const {
      ++*reads;
      return value;
    }
    iterator& operator++() {
      ++value;
      return *this;
    }
    bool operator==(const iterator&) const { return false; }  // endless
  };
  std::atomic<int>* reads;
  iterator begin() const { return {0, reads}; }
  iterator end() const { return {}; }
};

TEST(Map, YieldsResultsInInputOrder) {
  thread_pool_executor pool(4);
  std::vector<int> inputs(100);
  for (int i = 0; i < 100; ++i) inputs[i] = i;
  std::vector<int> out;
  for (int v : pool.map([](int x) { return x * x; }, inputs)) out.push_back(v);
  ASSERT_EQ(out.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(out[i], i * i);
}

TEST(Map, AcceptsAnRvalueRange) {
  thread_pool_executor pool(2);
  std::vector<int> out;
  for (int v : pool.map([](int x) { return x + 1; }, std::vector<int>{1, 2, 3})) out.push_back(v);
  EXPECT_EQ(out, (std::vector<int>{2, 3, 4}));
}

TEST(Map, IsLazyOnEndlessInputWithBoundedWorkInFlight) {
  thread_pool_executor pool(2);
  std::atomic<int> reads{0};
  int taken = 0;
  for (int v : pool.map([](int x) { return x; }, counting_range{&reads}, {.buffersize = 8})) {
    EXPECT_EQ(v, taken);
    // Never more than the buffer ahead of what was consumed.
    EXPECT_LE(reads.load(), taken + 1 + 8);
    if (++taken == 50) break;
  }
  EXPECT_EQ(taken, 50);
}

TEST(Map, RaisesAtTheFailingItemAfterYieldingEarlierResults) {
  thread_pool_executor pool(2);
  std::vector<int> inputs{0, 1, 2, 3, 4};
  std::vector<int> seen;
  auto results = pool.map(
      [](int x) {
        if (x == 3) throw std::domain_error("three");
        return x;
      },
      inputs);
  try {
    for (int v : results) seen.push_back(v);
    FAIL() << "expected the task's exception";
  } catch (const std::domain_error& e) {
    EXPECT_STREQ(e.what(), "three");
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
}

TEST(Map, TimeoutThrowsTimeoutError) {
  thread_pool_executor pool(1);
  promise<void> release;
  auto gate = release.get_future();
  std::vector<int> inputs{1};
  {
    auto results = pool.map(
        [gate](int x) {
          gate.wait();
          return x;
        },
        inputs, {.timeout = 5ms});
    EXPECT_THROW(results.begin(), timeout_error);
  }
  release.set_result();
}

TEST(Map, DestroyingTheRangeCancelsWorkNotStarted) {
  thread_pool_executor pool(1);
  std::atomic<int> ran{0};
  promise<void> release;
  auto gate = release.get_future();
  std::vector<int> inputs(20, 0);
  {
    auto results = pool.map(
        [&ran, gate](int x) {
          gate.wait();
          ++ran;
          return x;
        },
        inputs, {.buffersize = 10});
  }
  release.set_result();
  pool.shutdown(true);
  EXPECT_LE(ran.load(), 1);  // at most the one that had started
}

TEST(MapUnordered, YieldsEveryResultOnce) {
  thread_pool_executor pool(4);
  std::vector<int> inputs(200);
  for (int i = 0; i < 200; ++i) inputs[i] = i;
  std::vector<int> out;
  for (int v : pool.map_unordered([](int x) { return x * 2; }, inputs, {.buffersize = 16})) {
    out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  ASSERT_EQ(out.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(out[i], 2 * i);
}

TEST(MapUnordered, YieldsInCompletionOrder) {
  thread_pool_executor pool(2);
  promise<void> release_first;
  auto gate = release_first.get_future();
  std::vector<int> inputs{0, 1};
  std::vector<int> out;
  for (int v : pool.map_unordered(
           [gate](int x) {
             if (x == 0) gate.wait();  // the first input finishes last
             return x;
           },
           inputs)) {
    out.push_back(v);
    if (v == 1) release_first.set_result();
  }
  EXPECT_EQ(out, (std::vector<int>{1, 0}));
}

// Python cancels the item that timed out; braid had taken it out of the in-flight list before
// waiting, so it was not cancelled and ran later.
TEST(Map, TheItemThatTimesOutIsCancelled) {
  thread_pool_executor pool(1);
  test::busy_worker busy(pool);
  std::atomic<int> ran{0};
  {
    auto results = pool.map([&ran](int x) { return ran += x; }, std::vector<int>{1},
                            {.timeout = std::chrono::milliseconds(1)});
    EXPECT_THROW(results.begin(), timeout_error);
  }
  busy.release();
  pool.shutdown(true);
  EXPECT_EQ(ran.load(), 0);
}

TEST(Map, AnEndlessTimeoutDoesNotOverflow) {
  thread_pool_executor pool(2);
  std::vector<int> out;
  for (int v : pool.map([](int x) { return 2 * x; }, std::vector<int>{1, 2, 3},
                        {.timeout = std::chrono::nanoseconds::max()})) {
    out.push_back(v);
  }
  EXPECT_EQ(out, (std::vector<int>{2, 4, 6}));
}

}  // namespace
}  // namespace braid::futures
