#include "braid/threading/barrier.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <vector>

#include "braid/threading/errors.hpp"
#include "braid/threading/thread.hpp"
#include "threading/spin_until.hpp"

namespace bt = braid::threading;
using bt::test::spin_until;
using namespace std::chrono_literals;

TEST(threading_barrier, ReturnsDistinctArrivalIndexesEachRound) {
  std::atomic<int> actions{0};
  bt::barrier b(3, [&] { ++actions; });
  EXPECT_EQ(b.parties(), 3U);
  std::vector<std::size_t> indexes(6);
  auto party = [&](std::size_t slot) {
    indexes[slot] = b.wait();
    indexes[slot + 3] = b.wait();
  };
  bt::thread t1(party, 0);
  bt::thread t2(party, 1);
  t1.start();
  t2.start();
  party(2);
  t1.join();
  t2.join();
  EXPECT_EQ(actions, 2);
  for (std::size_t round = 0; round < 2; ++round) {
    std::vector<std::size_t> got(indexes.begin() + static_cast<long>(round * 3),
                                 indexes.begin() + static_cast<long>(round * 3 + 3));
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2}));
  }
  EXPECT_FALSE(b.broken());
}

TEST(threading_barrier, AbortBreaksWaitersAndLaterWaits) {
  bt::barrier b(2);
  bool threw = false;
  bt::thread t([&] {
    try {
      b.wait();
    } catch (const bt::broken_barrier_error&) {
      threw = true;
    }
  });
  t.start();
  spin_until([&] { return b.n_waiting() == 1; });
  b.abort();
  t.join();
  EXPECT_TRUE(threw);
  EXPECT_TRUE(b.broken());
  EXPECT_THROW(b.wait(), bt::broken_barrier_error);
  b.reset();
  EXPECT_FALSE(b.broken());
}

TEST(threading_barrier, ResetBreaksCurrentWaitersThenWorks) {
  bt::barrier b(2);
  bool threw = false;
  bt::thread t([&] {
    try {
      b.wait();
    } catch (const bt::broken_barrier_error&) {
      threw = true;
    }
  });
  t.start();
  spin_until([&] { return b.n_waiting() == 1; });
  b.reset();
  t.join();
  EXPECT_TRUE(threw);
  EXPECT_FALSE(b.broken());
  // Usable again for a full round.
  std::size_t other = 9;
  bt::thread u([&] { other = b.wait(); });
  u.start();
  const std::size_t mine = b.wait();
  u.join();
  EXPECT_EQ(mine + other, 1U);
}

TEST(threading_barrier, TimeoutBreaksTheBarrier) {
  bt::barrier b(2);
  EXPECT_THROW(b.wait(20ms), bt::broken_barrier_error);
  EXPECT_TRUE(b.broken());
  EXPECT_THROW(b.wait(), bt::broken_barrier_error);
}

TEST(threading_barrier, DefaultTimeoutApplies) {
  bt::barrier b(2, {}, 20ms);
  EXPECT_THROW(b.wait(), bt::broken_barrier_error);
  EXPECT_TRUE(b.broken());
}

TEST(threading_barrier, ThrowingActionBreaksBarrierAndPropagates) {
  bt::barrier b(2, [] { throw std::runtime_error("action failed"); });
  std::atomic<int> action_errors{0};
  std::atomic<int> broken_errors{0};
  auto party = [&] {
    try {
      b.wait();
    } catch (const bt::broken_barrier_error&) {
      ++broken_errors;
    } catch (const std::runtime_error&) {
      ++action_errors;
    }
  };
  bt::thread t(party);
  t.start();
  party();
  t.join();
  EXPECT_EQ(action_errors, 1);
  EXPECT_EQ(broken_errors, 1);
  EXPECT_TRUE(b.broken());
}

TEST(threading_barrier, SinglePartyPassesAtOnce) {
  int actions = 0;
  bt::barrier b(1, [&] { ++actions; });
  EXPECT_EQ(b.wait(), 0U);
  EXPECT_EQ(b.wait(), 0U);
  EXPECT_EQ(actions, 2);
  EXPECT_EQ(b.n_waiting(), 0U);
}

TEST(threading_barrier, ZeroPartiesThrows) {
  EXPECT_THROW(bt::barrier(0), bt::value_error);
}
