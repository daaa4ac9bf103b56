// condition: notify order, wait_for, the lock on every way out, cancellation in each wait.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;

task<void> cond_waiter(condition& c, log_t& log, std::string name) {
  co_await c.acquire();
  try {
    co_await c.wait();
  } catch (const cancelled_error&) {
    log.push_back(name + (c.locked() ? " cancelled with the lock" : " cancelled without it"));
    c.release();
    throw;
  }
  log.push_back(name + (c.locked() ? " woke with the lock" : " woke without it"));
  c.release();
}

task<void> notify_main(log_t& log) {
  condition c;
  auto a = create_task(cond_waiter(c, log, "a"));
  auto b = create_task(cond_waiter(c, log, "b"));
  auto d = create_task(cond_waiter(c, log, "c"));
  co_await sleep(1ms);
  co_await c.acquire();
  c.notify();
  c.release();
  co_await sleep(1ms);
  log.push_back("--");
  co_await c.acquire();
  c.notify_all();
  c.release();
  co_await a;
  co_await b;
  co_await d;
  EXPECT_FALSE(c.locked());
}

TEST(Condition, NotifyWakesInFifoOrderAndWaitReacquiresTheLock) {
  virtual_clock clock;
  log_t log;
  run(notify_main(log), {.clock = &clock});
  EXPECT_EQ(log,
            (log_t{"a woke with the lock", "--", "b woke with the lock", "c woke with the lock"}));
}

task<void> notify_n_main(log_t& log) {
  lock shared;
  condition c(shared);
  std::vector<task_handle<void>> ts;
  for (const char* n : {"a", "b", "c"}) ts.push_back(create_task(cond_waiter(c, log, n)));
  co_await sleep(1ms);
  co_await shared.acquire();
  EXPECT_TRUE(c.locked());
  c.notify(2);
  shared.release();
  co_await sleep(1ms);
  log.push_back("--");
  co_await c.acquire();
  c.notify(5);  // more than wait: harmless
  c.release();
  for (auto& t : ts) co_await t;
}

TEST(Condition, NotifyNWithASharedLock) {
  virtual_clock clock;
  log_t log;
  run(notify_n_main(log), {.clock = &clock});
  EXPECT_EQ(log,
            (log_t{"a woke with the lock", "b woke with the lock", "--", "c woke with the lock"}));
}

task<void> misuse_main() {
  condition c;
  EXPECT_THROW(c.notify(), invalid_state_error);
  EXPECT_THROW(c.notify_all(), invalid_state_error);
  bool threw = false;
  try {
    co_await c.wait();
  } catch (const invalid_state_error&) {
    threw = true;
  }
  EXPECT_TRUE(threw);
}

TEST(Condition, NotifyAndWaitWithoutTheLockThrow) {
  run(misuse_main());
}

task<void> wait_until_three(condition& c, int& value, int& checks, int& seen) {
  co_await c.acquire();
  auto pred = [&value, &checks] {
    ++checks;
    return value >= 3;
  };
  const bool ok = co_await c.wait_for(pred);
  EXPECT_TRUE(ok);
  EXPECT_TRUE(c.locked());
  seen = value;
  c.release();
}

task<void> wait_for_main() {
  condition c;
  int value = 0;
  int checks = 0;
  int seen = 0;
  auto t = create_task(wait_until_three(c, value, checks, seen));
  for (int i = 1; i <= 4; ++i) {
    co_await sleep(1ms);
    co_await c.acquire();
    value = i;
    c.notify_all();
    c.release();
  }
  co_await t;
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(checks, 4);  // once at first, then after each of the three notifications
}

TEST(Condition, WaitForChecksThePredicateAfterEachNotification) {
  virtual_clock clock;
  run(wait_for_main(), {.clock = &clock});
}

task<void> cancel_parked_main(log_t& log) {
  condition c;
  auto a = create_task(cond_waiter(c, log, "a"));
  auto b = create_task(cond_waiter(c, log, "b"));
  co_await sleep(1ms);
  a.cancel();  // parked in wait(): leaves the queue, takes the lock back, throws
  co_await sleep(1ms);
  co_await c.acquire();
  c.notify();  // goes to b: a is no longer waiting
  c.release();
  co_await b;
  try {
    co_await a;
  } catch (const cancelled_error&) {
    log.push_back("a done");
  }
  EXPECT_FALSE(c.locked());
}

TEST(Condition, CancelWhileWaitingForTheNotification) {
  virtual_clock clock;
  log_t log;
  run(cancel_parked_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a cancelled with the lock", "b woke with the lock", "a done"}));
}

task<void> cancel_reacquiring_main(log_t& log) {
  condition c;
  auto a = create_task(cond_waiter(c, log, "a"));
  auto b = create_task(cond_waiter(c, log, "b"));
  co_await sleep(1ms);
  co_await c.acquire();
  c.notify();           // a is notified...
  co_await sleep(1ms);  // ...and now waits for the lock, which this task holds
  a.cancel();           // cancelled while re-acquiring: its notification passes on to b
  c.release();
  co_await b;
  try {
    co_await a;
  } catch (const cancelled_error&) {
    log.push_back("a done");
  }
  EXPECT_FALSE(c.locked());
}

TEST(Condition, CancelWhileReacquiringPassesTheNotificationOn) {
  virtual_clock clock;
  log_t log;
  run(cancel_reacquiring_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a cancelled with the lock", "b woke with the lock", "a done"}));
}

task<void> notified_then_cancelled(condition& c, log_t& log) {
  co_await c.acquire();
  co_await c.wait();  // notified, and cancelled before it ran: returns with the lock
  log.push_back(c.locked() ? "returned with the lock" : "returned without it");
  c.release();
  try {
    co_await sleep(1ms);
  } catch (const cancelled_error&) {
    log.push_back("cancelled at the next suspension point");
  }
}

task<void> cancel_after_notify_main(log_t& log) {
  condition c;
  auto a = create_task(notified_then_cancelled(c, log));
  co_await sleep(1ms);
  co_await c.acquire();
  c.notify();
  c.release();  // the lock is free, so a does not wait for it again
  a.cancel();
  co_await a;
}

TEST(Condition, NotifiedWaiterCancelledBeforeItRunsKeepsTheNotification) {
  virtual_clock clock;
  log_t log;
  run(cancel_after_notify_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"returned with the lock", "cancelled at the next suspension point"}));
}

}  // namespace
}  // namespace braid::asyncio
