#include "braid/futures/future.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "support/excepthook_capture.hpp"

namespace braid::futures {
namespace {

using namespace std::chrono_literals;

TEST(Future, ResultReturnsTheValueSetByThePromise) {
  promise<int> p;
  future<int> f = p.get_future();
  EXPECT_FALSE(f.done());
  p.set_result(42);
  EXPECT_TRUE(f.done());
  EXPECT_EQ(f.result(), 42);
  EXPECT_EQ(f.result(), 42);  // repeatable, like Python's
  EXPECT_EQ(f.exception(), nullptr);
}

TEST(Future, ResultBlocksUntilAnotherThreadSetsIt) {
  promise<std::string> p;
  future<std::string> f = p.get_future();
  std::thread producer([&p] { p.set_result("hello"); });
  EXPECT_EQ(f.result(), "hello");
  producer.join();
}

TEST(Future, ExceptionIsRethrownByResultAndReturnedByException) {
  promise<int> p;
  auto f = p.get_future();
  p.set_exception(std::make_exception_ptr(std::out_of_range("boom")));
  EXPECT_THROW(f.result(), std::out_of_range);
  ASSERT_NE(f.exception(), nullptr);
  EXPECT_THROW(std::rethrow_exception(f.exception()), std::out_of_range);
}

TEST(Future, ResultTimesOutWithTimeoutError) {
  promise<int> p;
  auto f = p.get_future();
  EXPECT_THROW(f.result(1ms), timeout_error);
  EXPECT_THROW(f.exception(1ms), timeout_error);
  EXPECT_FALSE(f.wait_for(0ms));
  p.set_result(1);
  EXPECT_EQ(f.result(1ms), 1);
}

TEST(Future, CancelPendingSucceedsAndResultThrowsCancelledError) {
  promise<int> p;
  auto f = p.get_future();
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(f.cancel());  // cancelling again still reports cancelled
  EXPECT_TRUE(f.cancelled());
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.result(), cancelled_error);
  EXPECT_THROW(f.exception(), cancelled_error);
  EXPECT_FALSE(p.set_running_or_notify_cancel());
  EXPECT_THROW(p.set_result(1), invalid_state_error);
}

TEST(Future, CancelOfARunningFutureReturnsFalse) {
  promise<int> p;
  auto f = p.get_future();
  EXPECT_TRUE(p.set_running_or_notify_cancel());
  EXPECT_TRUE(f.running());
  EXPECT_FALSE(f.cancel());
  EXPECT_FALSE(f.cancelled());
  p.set_result(3);
  EXPECT_FALSE(f.running());
  EXPECT_FALSE(f.cancel());  // finished: still false
  EXPECT_EQ(f.result(), 3);
}

TEST(Future, SetRunningTwiceIsAnInvalidState) {
  promise<void> p;
  EXPECT_TRUE(p.set_running_or_notify_cancel());
  EXPECT_THROW(p.set_running_or_notify_cancel(), invalid_state_error);
}

TEST(Future, SettingTwiceIsAnInvalidState) {
  promise<int> p;
  p.set_result(1);
  EXPECT_THROW(p.set_result(2), invalid_state_error);
  EXPECT_THROW(p.set_exception(std::make_exception_ptr(std::runtime_error("x"))),
               invalid_state_error);
  EXPECT_EQ(p.get_future().result(), 1);
}

TEST(Future, DestroyingAnUnsetPromiseBreaksIt) {
  future<int> f;
  {
    promise<int> p;
    f = p.get_future();
  }
  EXPECT_TRUE(f.done());
  EXPECT_THROW(f.result(), broken_promise);
}

TEST(Future, DefaultConstructedFutureIsInvalid) {
  future<int> f;
  EXPECT_FALSE(f.valid());
  EXPECT_THROW(f.done(), invalid_state_error);
  EXPECT_THROW(f.result(), invalid_state_error);
}

TEST(Future, VoidFuture) {
  promise<void> p;
  auto f = p.get_future();
  p.set_result();
  EXPECT_NO_THROW(f.result());
}

TEST(Future, RvalueResultMovesAMoveOnlyValueOut) {
  promise<std::unique_ptr<int>> p;
  auto f = p.get_future();
  p.set_result(std::make_unique<int>(7));
  const std::unique_ptr<int>& ref = f.result();  // lvalue: a reference into the state
  EXPECT_EQ(*ref, 7);
  std::unique_ptr<int> owned = std::move(f).result();
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, 7);
}

TEST(Future, CallbacksRunInOrderOnTheCompletingThread) {
  promise<int> p;
  auto f = p.get_future();
  std::vector<int> order;
  std::thread::id ran_on;
  f.add_done_callback([&](const future<int>& done) {
    order.push_back(done.result());
    ran_on = std::this_thread::get_id();
  });
  f.add_done_callback([&] { order.push_back(2); });
  EXPECT_TRUE(order.empty());
  std::thread producer([&p] { p.set_result(1); });
  const auto producer_id = producer.get_id();
  producer.join();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(ran_on, producer_id);
}

TEST(Future, CallbackOnADoneFutureRunsAtOnceOnTheCallingThread) {
  promise<int> p;
  p.set_result(5);
  int seen = 0;
  std::thread::id ran_on;
  p.get_future().add_done_callback([&](const future<int>& f) {
    seen = f.result();
    ran_on = std::this_thread::get_id();
  });
  EXPECT_EQ(seen, 5);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(Future, CallbackRunsOnCancel) {
  promise<int> p;
  auto f = p.get_future();
  bool saw_cancelled = false;
  f.add_done_callback([&](const future<int>& done) { saw_cancelled = done.cancelled(); });
  f.cancel();
  EXPECT_TRUE(saw_cancelled);
}

TEST(Future, ThrowingCallbackIsReportedAndLaterCallbacksStillRun) {
  test::excepthook_capture capture;
  promise<int> p;
  auto f = p.get_future();
  bool second_ran = false;
  f.add_done_callback([] { throw std::runtime_error("callback failed"); });
  f.add_done_callback([&] { second_ran = true; });
  p.set_result(1);
  EXPECT_TRUE(second_ran);
  const auto reports = capture.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].what, "callback failed");
  EXPECT_EQ(reports[0].where, "future done callback");
}

TEST(Future, ManyThreadsWaitOnOneFuture) {
  promise<int> p;
  auto f = p.get_future();
  constexpr int kWaiters = 8;
  std::latch started(kWaiters);
  std::vector<std::thread> waiters;
  std::vector<int> results(kWaiters);
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&, i] {
      started.count_down();
      results[i] = f.result();
    });
  }
  started.wait();
  p.set_result(9);
  for (auto& t : waiters) t.join();
  for (int r : results) EXPECT_EQ(r, 9);
}

TEST(Future, ConcurrentCancelAndStartHaveExactlyOneWinner) {
  for (int round = 0; round < 200; ++round) {
    promise<int> p;
    auto f = p.get_future();
    std::latch go(2);
    bool cancelled = false;
    bool started = false;
    std::thread a([&] {
      go.arrive_and_wait();
      cancelled = f.cancel();
    });
    std::thread b([&] {
      go.arrive_and_wait();
      started = p.set_running_or_notify_cancel();
    });
    a.join();
    b.join();
    EXPECT_NE(cancelled, started);
    if (started) p.set_result(round);
    EXPECT_TRUE(f.done());
  }
}

// Futures have identity, as Python's do: copies are equal, and futures can go in sets.
TEST(Future, CopiesAreEqualAndHashAlike) {
  promise<int> p;
  promise<int> q;
  future<int> a = p.get_future();
  future<int> a2 = a;
  future<int> b = q.get_future();
  EXPECT_EQ(a, a2);
  EXPECT_NE(a, b);
  EXPECT_EQ(future<int>(), future<int>());
  std::unordered_set<future<int>> set = {a, a2, b};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(set.count(p.get_future()), 1u);
}

TEST(Future, AnEndlessTimeoutWaitsInsteadOfOverflowing) {
  promise<int> p;
  future<int> f = p.get_future();
  std::thread canceller([f] { f.cancel(); });
  EXPECT_TRUE(f.wait_for(std::chrono::nanoseconds::max()));
  canceller.join();
  EXPECT_TRUE(f.cancelled());
}

TEST(Deadline, HugeTimeoutsAreClampedToAboutACentury) {
  const auto now = std::chrono::steady_clock::now();
  const auto far = braid::detail::deadline_after(std::chrono::nanoseconds::max());
  EXPECT_GT(far, now + std::chrono::hours(24 * 365 * 99));
  EXPECT_LT(braid::detail::deadline_after(std::chrono::nanoseconds::min()), now);
}

}  // namespace
}  // namespace braid::futures
