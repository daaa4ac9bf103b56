// barrier: indexes, reuse, abort, reset, cancellation before and after the barrier trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;

task<void> arrive(barrier& b, std::vector<std::size_t>& indexes, duration after) {
  co_await sleep(after);
  const std::size_t i = co_await b.wait();
  indexes.push_back(i);
}

task<void> rounds_main() {
  barrier b(3);
  EXPECT_EQ(b.parties(), 3u);
  for (int round = 0; round < 2; ++round) {
    std::vector<std::size_t> indexes;
    auto x = create_task(arrive(b, indexes, 1ms));
    auto y = create_task(arrive(b, indexes, 2ms));
    co_await sleep(5ms);
    EXPECT_EQ(b.n_waiting(), 2u);
    EXPECT_TRUE(indexes.empty());
    auto z = create_task(arrive(b, indexes, 1ms));
    co_await x;
    co_await y;
    co_await z;
    // The last to arrive gets parties - 1 at once; the others their arrival order.
    EXPECT_EQ(indexes, (std::vector<std::size_t>{2, 0, 1}));
    EXPECT_EQ(b.n_waiting(), 0u);
  }
}

TEST(Barrier, ReleasesAllPartiesWithDistinctIndexesAndIsReusable) {
  virtual_clock clock;
  run(rounds_main(), {.clock = &clock});
}

TEST(Barrier, ZeroPartiesThrows) {
  EXPECT_THROW(barrier(0), invalid_state_error);
}

task<void> wait_logged(barrier& b, log_t& log, std::string name) {
  try {
    const std::size_t i = co_await b.wait();
    log.push_back(name + " passed " + std::to_string(i));
  } catch (const broken_barrier_error&) {
    log.push_back(name + " broken");
  } catch (const cancelled_error&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

task<void> cancel_before_trip_main(log_t& log) {
  barrier b(2);
  auto a = create_task(wait_logged(b, log, "a"));
  co_await sleep(1ms);
  EXPECT_EQ(b.n_waiting(), 1u);
  a.cancel();
  try {
    co_await a;
  } catch (const cancelled_error&) {
  }
  EXPECT_EQ(b.n_waiting(), 0u);  // as if a never arrived
  EXPECT_FALSE(b.broken());
  auto c = create_task(wait_logged(b, log, "c"));
  co_await sleep(1ms);
  auto d = create_task(wait_logged(b, log, "d"));
  co_await c;
  co_await d;
}

TEST(Barrier, CancelledWaiterLeavesWithoutBreakingIt) {
  virtual_clock clock;
  log_t log;
  run(cancel_before_trip_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a cancelled", "d passed 1", "c passed 0"}));
}

task<void> passed_then_cancelled(barrier& b, log_t& log) {
  const std::size_t i = co_await b.wait();
  log.push_back("a passed " + std::to_string(i));
  try {
    co_await sleep(1ms);
  } catch (const cancelled_error&) {
    log.push_back("a cancelled at its next suspension point");
  }
}

task<void> cancel_after_trip_main(log_t& log) {
  barrier b(2);
  auto a = create_task(passed_then_cancelled(b, log));
  co_await sleep(1ms);
  const std::size_t mine = co_await b.wait();  // trips: a is woken with index 0
  a.cancel();                                  // before a ran
  co_await a;
  EXPECT_EQ(mine, 1u);
  EXPECT_EQ(b.n_waiting(), 0u);
}

TEST(Barrier, WaiterCancelledAfterTheTripKeepsItsIndex) {
  virtual_clock clock;
  log_t log;
  run(cancel_after_trip_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a passed 0", "a cancelled at its next suspension point"}));
}

task<void> abort_reset_main(log_t& log) {
  barrier b(3);
  auto a = create_task(wait_logged(b, log, "a"));
  auto c = create_task(wait_logged(b, log, "c"));
  co_await sleep(1ms);
  b.abort();
  co_await a;
  co_await c;
  EXPECT_TRUE(b.broken());
  auto late = create_task(wait_logged(b, log, "late"));
  co_await late;  // a broken barrier fails at once
  b.reset();
  EXPECT_FALSE(b.broken());
  auto d = create_task(wait_logged(b, log, "d"));
  co_await sleep(1ms);
  b.reset();  // d was waiting: broken; the barrier is usable again
  co_await d;
  std::vector<task_handle<void>> ts;
  for (const char* n : {"x", "y", "z"}) ts.push_back(create_task(wait_logged(b, log, n)));
  for (auto& t : ts) co_await t;
}

TEST(Barrier, AbortBreaksItAndResetRestoresIt) {
  virtual_clock clock;
  log_t log;
  run(abort_reset_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a broken", "c broken", "late broken", "d broken", "z passed 2",
                        "x passed 0", "y passed 1"}));
}

}  // namespace
}  // namespace braid::asyncio
