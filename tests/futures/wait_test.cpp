#include "braid/futures/wait.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace braid::futures {
namespace {

using namespace std::chrono_literals;

struct promises {
  explicit promises(int n) : ps(n) {
    for (auto& p : ps) fs.push_back(p.get_future());
  }
  std::vector<promise<int>> ps;
  std::vector<future<int>> fs;
};

TEST(Wait, AllCompletedReturnsEveryFutureDone) {
  promises s(3);
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) s.ps[i].set_result(i);
  });
  auto r = wait(s.fs);
  producer.join();
  EXPECT_EQ(r.done.size(), 3u);
  EXPECT_TRUE(r.not_done.empty());
}

TEST(Wait, FirstCompletedReturnsWhenOneIsDone) {
  promises s(3);
  std::thread producer([&] { s.ps[1].set_result(1); });
  auto r = wait(s.fs, first_completed);
  producer.join();
  ASSERT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].result(), 1);
  EXPECT_EQ(r.not_done.size(), 2u);
}

TEST(Wait, FirstExceptionIgnoresSuccessesAndStopsAtAnError) {
  promises s(3);
  s.ps[0].set_result(0);
  std::thread producer(
      [&] { s.ps[2].set_exception(std::make_exception_ptr(std::runtime_error("x"))); });
  auto r = wait(s.fs, first_exception);
  producer.join();
  EXPECT_EQ(r.done.size(), 2u);
  EXPECT_EQ(r.not_done.size(), 1u);
  EXPECT_EQ(r.not_done[0], s.fs[1]);
}

TEST(Wait, FirstExceptionDoesNotCountCancellation) {
  promises s(2);
  s.fs[0].cancel();
  auto r = wait(s.fs, 1ms, first_exception);
  EXPECT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.not_done.size(), 1u);  // it waited for the timeout, not stopped at the cancel
}

TEST(Wait, TimeoutLeavesTheRestNotDone) {
  promises s(2);
  s.ps[0].set_result(0);
  auto r = wait(s.fs, 1ms);
  EXPECT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.not_done.size(), 1u);
}

TEST(Wait, EmptyInputReturnsAtOnce) {
  std::vector<future<int>> none;
  auto r = wait(none);
  EXPECT_TRUE(r.done.empty());
  EXPECT_TRUE(r.not_done.empty());
}

TEST(AsCompleted, YieldsInCompletionOrderWithAlreadyDoneFirst) {
  promises s(4);
  s.ps[2].set_result(2);
  std::vector<int> order;
  auto completed = as_completed(s.fs);
  auto it = completed.begin();  // blocks until something is done: #2 already is
  order.push_back(it->result());
  s.ps[3].set_result(3);
  ++it;
  order.push_back(it->result());
  s.ps[0].set_result(0);
  ++it;
  order.push_back(it->result());
  std::thread producer([&] { s.ps[1].set_result(1); });
  ++it;
  order.push_back(it->result());
  producer.join();
  ++it;
  EXPECT_TRUE(it == completed.end());
  EXPECT_EQ(order, (std::vector<int>{2, 3, 0, 1}));
}

TEST(AsCompleted, TimesOutWithTimeoutError) {
  promises s(2);
  s.ps[0].set_result(0);
  auto completed = as_completed(s.fs, 5ms);
  auto it = completed.begin();
  EXPECT_EQ(it->result(), 0);
  try {
    ++it;
    FAIL() << "expected timeout_error";
  } catch (const timeout_error& e) {
    EXPECT_STREQ(e.what(), "1 (of 2) futures unfinished");
  }
}

TEST(AsCompleted, AbandonedIterationLeavesNoWaiterBehind) {
  promises s(2);
  {
    auto completed = as_completed(s.fs, 1ms);
    EXPECT_THROW(completed.begin(), timeout_error);
  }
  // The tracker's nodes are unlinked: completing now must not touch freed memory (ASan checks).
  s.ps[0].set_result(0);
  s.ps[1].set_result(1);
  EXPECT_EQ(s.fs[1].result(), 1);
}

// Python yields each distinct future once (bpo-20367), however often it is listed.
TEST(AsCompleted, YieldsADuplicatedFutureOnce) {
  promise<int> a;
  promise<int> b;
  a.set_result(1);
  b.set_result(2);
  std::vector<future<int>> fs = {a.get_future(), a.get_future(), b.get_future()};
  std::size_t yielded = 0;
  for (const auto& f : as_completed(fs)) {
    (void)f;
    ++yielded;
  }
  EXPECT_EQ(yielded, 2u);
}

TEST(Wait, ADuplicatedFutureIsReturnedOnce) {
  promise<int> a;
  a.set_result(1);
  std::vector<future<int>> fs = {a.get_future(), a.get_future()};
  auto result = wait(fs);
  EXPECT_EQ(result.done.size(), 1u);
  EXPECT_TRUE(result.not_done.empty());
}

TEST(Wait, AnEndlessTimeoutWaitsInsteadOfOverflowing) {
  promise<int> p;
  std::vector<future<int>> fs = {p.get_future()};
  std::thread canceller([f = fs[0]] { f.cancel(); });
  auto result = wait(fs, std::chrono::nanoseconds::max());
  canceller.join();
  EXPECT_EQ(result.done.size(), 1u);
}

}  // namespace
}  // namespace braid::futures
