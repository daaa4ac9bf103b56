// task_group, gather, timeout, wait_for, shield, wait, as_completed.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "braid/asyncio.hpp"
#include "support/excepthook_capture.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;

task<int> value_after(int v, std::chrono::milliseconds d) {
  co_await sleep(d);
  co_return v;
}

task<void> fail_after(std::string what, std::chrono::milliseconds d) {
  co_await sleep(d);
  throw std::runtime_error(what);
}

task<void> logged_sleep(log_t& log, std::string name, std::chrono::milliseconds d) {
  try {
    co_await sleep(d);
    log.push_back(name + " done");
  } catch (const cancelled_error&) {
    log.push_back(name + " cancelled");
    throw;
  }
}

// --- task_group -----------------------------------------------------------------------------

task<void> group_ok(log_t& log) {
  co_await with_task_group([&](task_group& tg) -> task<void> {
    tg.create_task(logged_sleep(log, "a", 20ms));
    tg.create_task(logged_sleep(log, "b", 10ms));
    co_return;
  });
  log.push_back("after");
}

TEST(TaskGroup, WaitsForEveryChild) {
  virtual_clock clock;
  log_t log;
  run(group_ok(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"b done", "a done", "after"}));
}

task<void> group_failure(log_t& log) {
  try {
    co_await with_task_group([&](task_group& tg) -> task<void> {
      tg.create_task(logged_sleep(log, "slow", 1h));
      tg.create_task(fail_after("x", 10ms));
      co_await sleep(1h);  // the body is cancelled too
      log.push_back("body not cancelled");
    });
  } catch (const exception_group& g) {
    log.push_back("group of " + std::to_string(g.exceptions().size()));
  }
  EXPECT_EQ(current_task().cancelling(), 0u);
}

TEST(TaskGroup, FirstFailureCancelsSiblingsAndBodyThenThrowsAGroup) {
  virtual_clock clock;
  log_t log;
  run(group_failure(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"slow cancelled", "group of 1"}));
}

task<void> group_two_failures(std::vector<std::string>& whats) {
  try {
    co_await with_task_group([&](task_group& tg) -> task<void> {
      tg.create_task(fail_after("first", 10ms));
      tg.create_task(fail_after("second", 10ms));
      co_return;
    });
  } catch (const exception_group& g) {
    for (auto& e : g.exceptions()) {
      try {
        std::rethrow_exception(e);
      } catch (const std::runtime_error& r) {
        whats.push_back(r.what());
      }
    }
  }
}

TEST(TaskGroup, SeveralChildrenFailingAtOnceAreAllInTheGroup) {
  virtual_clock clock;
  std::vector<std::string> whats;
  run(group_two_failures(whats), {.clock = &clock});
  EXPECT_EQ(whats, (std::vector<std::string>{"first", "second"}));
}

task<void> create_after_failure(bool& thrown) {
  try {
    co_await with_task_group([&](task_group& tg) -> task<void> {
      tg.create_task(fail_after("x", 1ms));
      try {
        co_await sleep(1h);
      } catch (const cancelled_error&) {
      }
      try {
        tg.create_task(fail_after("never", 1ms));
      } catch (const invalid_state_error&) {
        thrown = true;
      }
    });
  } catch (const exception_group&) {
  }
}

TEST(TaskGroup, CreateTaskOnAShuttingDownGroupThrows) {
  virtual_clock clock;
  bool thrown = false;
  run(create_after_failure(thrown), {.clock = &clock});
  EXPECT_TRUE(thrown);
}

task<void> group_outer_cancel(log_t& log) {
  co_await with_task_group([&](task_group& tg) -> task<void> {
    tg.create_task(logged_sleep(log, "child", 1h));
    co_await sleep(1h);
  });
}

task<void> cancel_group_parent(log_t& log) {
  auto t = create_task(group_outer_cancel(log));
  co_await sleep(10ms);
  t.cancel();
  try {
    co_await t;
  } catch (const cancelled_error&) {
    log.push_back("parent cancelled");
  }
}

TEST(TaskGroup, CancellingTheParentCancelsChildrenAndPropagates) {
  virtual_clock clock;
  log_t log;
  run(cancel_group_parent(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"child cancelled", "parent cancelled"}));
}

// --- gather ---------------------------------------------------------------------------------

task<void> gather_values() {
  auto [a, b, c] =
      co_await gather(value_after(1, 30ms), value_after(2, 10ms),
                      [](std::chrono::milliseconds d) -> task<void> { co_await sleep(d); }(5ms));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
  EXPECT_EQ(c, std::monostate{});
}

TEST(Gather, ReturnsResultsInArgumentOrder) {
  virtual_clock clock;
  run(gather_values(), {.clock = &clock});
}

task<void> gather_fail(log_t& log) {
  try {
    co_await gather(logged_sleep(log, "slow", 1h), fail_after("bad", 10ms));
  } catch (const std::runtime_error& e) {
    log.push_back(e.what());
  }
  EXPECT_EQ(all_tasks().size(), 1u);  // nothing left running
}

TEST(Gather, FailureCancelsTheRestAndWaitsBeforeRethrowing) {
  virtual_clock clock;
  log_t log;
  run(gather_fail(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"slow cancelled", "bad"}));
}

task<void> gather_settled() {
  auto [a, b] = co_await gather(return_exceptions, value_after(7, 20ms), fail_after("e", 10ms));
  EXPECT_TRUE(a.has_value());
  EXPECT_EQ(a.value(), 7);
  EXPECT_TRUE(b.has_error());
}

TEST(Gather, ReturnExceptionsGivesErrorsAsValues) {
  virtual_clock clock;
  run(gather_settled(), {.clock = &clock});
}

task<void> gather_range() {
  std::vector<task<int>> coros;
  for (int i = 0; i < 5; ++i) coros.push_back(value_after(i, std::chrono::milliseconds(50 - i)));
  auto values = co_await gather(std::move(coros));
  EXPECT_EQ(values, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Gather, OverARange) {
  virtual_clock clock;
  run(gather_range(), {.clock = &clock});
}

task<void> gather_cancelled(log_t& log) {
  auto t = create_task(gather(logged_sleep(log, "a", 1h), logged_sleep(log, "b", 1h)));
  co_await sleep(1s);
  t.cancel();
  try {
    co_await t;
  } catch (const cancelled_error&) {
    log.push_back("gather cancelled");
  }
}

TEST(Gather, CancellingGatherCancelsAllChildren) {
  virtual_clock clock;
  log_t log;
  run(gather_cancelled(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"a cancelled", "b cancelled", "gather cancelled"}));
}

// --- timeout --------------------------------------------------------------------------------

task<void> timeout_expires(log_t& log) {
  try {
    co_await timeout(50ms, logged_sleep(log, "body", 1h));
  } catch (const timeout_error&) {
    log.push_back("timeout");
  }
  EXPECT_EQ(current_task().cancelling(), 0u);
  int v = co_await timeout(50ms, value_after(3, 10ms));
  EXPECT_EQ(v, 3);
  co_await sleep(1h);  // a disarmed timeout does not cancel later
  log.push_back("still alive");
}

TEST(Timeout, ExpiresWithTimeoutErrorAndDisarmsOnSuccess) {
  virtual_clock clock;
  log_t log;
  run(timeout_expires(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"body cancelled", "timeout", "still alive"}));
}

task<void> nested_timeouts(log_t& log) {
  // The outer deadline comes first: the inner scope must not claim it.
  try {
    co_await timeout(10ms, [&]() -> task<void> {
      try {
        co_await timeout(1h, logged_sleep(log, "inner body", 1h));
      } catch (const timeout_error&) {
        log.push_back("wrong: inner timeout");
      } catch (const cancelled_error&) {
        log.push_back("inner saw cancel");
        throw;
      }
    });
  } catch (const timeout_error&) {
    log.push_back("outer timeout");
  }
  // The inner deadline comes first: the outer scope goes on.
  co_await timeout(1h, [&]() -> task<void> {
    try {
      co_await timeout(10ms, logged_sleep(log, "inner2", 1h));
    } catch (const timeout_error&) {
      log.push_back("inner timeout");
    }
    co_await sleep(1ms);
    log.push_back("outer continues");
  });
}

TEST(Timeout, NestedScopesEachClaimOnlyTheirOwnDeadline) {
  virtual_clock clock;
  log_t log;
  run(nested_timeouts(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"inner body cancelled", "inner saw cancel", "outer timeout",
                        "inner2 cancelled", "inner timeout", "outer continues"}));
}

task<void> under_timeout(log_t& log) {
  try {
    co_await timeout(1h, logged_sleep(log, "body", 2h));
  } catch (const timeout_error&) {
    log.push_back("wrong: timeout");
  }
}

task<void> outer_cancel_through_timeout(log_t& log) {
  auto t = create_task(under_timeout(log));
  co_await sleep(1s);
  t.cancel();
  try {
    co_await t;
  } catch (const cancelled_error&) {
    log.push_back("cancelled, not timed out");
  }
}

TEST(Timeout, NeverSwallowsAnOuterCancellation) {
  virtual_clock clock;
  log_t log;
  run(outer_cancel_through_timeout(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"body cancelled", "cancelled, not timed out"}));
}

task<void> wait_for_handle(log_t& log) {
  auto t = create_task(logged_sleep(log, "task", 1h));
  try {
    co_await wait_for(t, 10ms);
  } catch (const timeout_error&) {
    log.push_back("timeout");
  }
  EXPECT_TRUE(t.cancelled());
}

TEST(Timeout, WaitForCancelsTheTaskOnTimeout) {
  virtual_clock clock;
  log_t log;
  run(wait_for_handle(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"task cancelled", "timeout"}));
}

// --- shield, wait, as_completed -------------------------------------------------------------

task<void> shielded(log_t& log) {
  co_await shield(logged_sleep(log, "shielded", 10ms));
  log.push_back("wrong: not cancelled");
}

task<void> shield_main(log_t& log) {
  auto t = create_task(shielded(log));
  co_await sleep(1ms);
  t.cancel();
  try {
    co_await t;
  } catch (const cancelled_error&) {
    log.push_back("outer cancelled");
  }
  co_await sleep(20ms);
}

TEST(Shield, InnerTaskRunsOnWhenTheAwaiterIsCancelled) {
  virtual_clock clock;
  log_t log;
  run(shield_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"outer cancelled", "shielded done"}));
}

task<void> wait_first() {
  std::vector<task_handle<int>> ts;
  ts.push_back(create_task(value_after(1, 30ms)));
  ts.push_back(create_task(value_after(2, 10ms)));
  auto r = co_await wait(std::move(ts), return_when::first_completed);
  EXPECT_EQ(r.done.size(), 1u);
  EXPECT_EQ(r.done[0].result(), 2);
  EXPECT_EQ(r.pending.size(), 1u);
  auto r2 = co_await wait(std::move(r.pending), return_when::all_completed, 1ms);
  EXPECT_EQ(r2.pending.size(), 1u);  // timed out, without an error
  co_await r2.pending[0];
}

TEST(Wait, FirstCompletedAndTimeout) {
  virtual_clock clock;
  run(wait_first(), {.clock = &clock});
}

task<void> completed_order(std::vector<int>& order) {
  std::vector<task_handle<int>> ts;
  ts.push_back(create_task(value_after(1, 30ms)));
  ts.push_back(create_task(value_after(2, 10ms)));
  ts.push_back(create_task(value_after(3, 20ms)));
  as_completed<int> ac(std::move(ts));
  while (!ac.empty()) {
    auto t = co_await ac.next();
    order.push_back(t.result());
  }
}

TEST(AsCompleted, YieldsInCompletionOrder) {
  virtual_clock clock;
  std::vector<int> order;
  run(completed_order(order), {.clock = &clock});
  EXPECT_EQ(order, (std::vector<int>{2, 3, 1}));
}

task<void> completed_range(std::vector<int>& order) {
  std::vector<task_handle<int>> ts;
  ts.push_back(create_task(value_after(1, 30ms)));
  ts.push_back(create_task(value_after(2, 10ms)));
  ts.push_back(create_task(value_after(3, 20ms)));
  ts.push_back(create_task(value_after(4, 0ms)));
  co_await sleep(0s);
  co_await sleep(0s);  // 4 is done before as_completed starts: it comes first
  for (auto next : as_completed(std::move(ts))) {
    int v = co_await next;
    order.push_back(v);
  }
}

TEST(AsCompleted, RangeForGivesValuesInFinishingOrder) {
  virtual_clock clock;
  std::vector<int> order;
  run(completed_range(order), {.clock = &clock});
  EXPECT_EQ(order, (std::vector<int>{4, 2, 3, 1}));
}

task<int> fail_int_after(std::chrono::milliseconds d) {
  co_await sleep(d);
  throw std::runtime_error("boom");
}

task<void> range_with_error(std::vector<std::string>& log) {
  std::vector<task_handle<int>> ts;
  ts.push_back(create_task(value_after(1, 20ms)));
  ts.push_back(create_task(fail_int_after(10ms)));
  for (auto next : as_completed(std::move(ts))) {
    try {
      int v = co_await next;
      log.push_back(std::to_string(v));
    } catch (const std::runtime_error& e) {
      log.push_back(e.what());
    }
  }
}

TEST(AsCompleted, RangeForRethrowsEachTasksErrorInTurn) {
  virtual_clock clock;
  log_t log;
  run(range_with_error(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"boom", "1"}));
}

task<void> take_next(as_completed<int>& ac, log_t& log) {
  try {
    auto h = co_await ac.next();
    log.push_back("wrong: took " + std::to_string(h.result()));
  } catch (const cancelled_error&) {
    log.push_back("wait cancelled");
    throw;
  }
}

task<void> cancelled_take(log_t& log) {
  std::vector<task_handle<int>> ts;
  ts.push_back(create_task(value_after(7, 10ms)));
  as_completed<int> ac(std::move(ts));
  auto taker = create_task(take_next(ac, log));
  co_await sleep(1ms);
  taker.cancel();
  try {
    co_await taker;
  } catch (const cancelled_error&) {
  }
  log.push_back("left " + std::to_string(ac.size()));
  auto h = co_await ac.next();  // the task was not lost
  log.push_back("took " + std::to_string(h.result()));
  EXPECT_TRUE(ac.empty());
  try {
    auto none = co_await ac.next();
    log.push_back("wrong: took another");
  } catch (const invalid_state_error&) {
    log.push_back("none left");
  }
}

TEST(AsCompleted, ACancelledWaitTakesNothing) {
  virtual_clock clock;
  log_t log;
  run(cancelled_take(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"wait cancelled", "left 1", "took 7", "none left"}));
}

// Many tasks, one as_completed: each take is O(1) (a node per task linked once), so this is
// linear; the former next() re-linked every pending task on each call (quadratic).
task<long> many_completed(int n) {
  std::vector<task_handle<int>> ts;
  for (int i = 0; i < n; ++i)
    ts.push_back(create_task(value_after(i, std::chrono::milliseconds(n - i))));
  long sum = 0;
  int last = n;
  for (auto next : as_completed(std::move(ts))) {
    int v = co_await next;
    EXPECT_LT(v, last);  // the latest-created finish first
    last = v;
    sum += v;
  }
  co_return sum;
}

TEST(AsCompleted, ManyTasksInFinishingOrder) {
  virtual_clock clock;
  const int n = 20000;
  EXPECT_EQ(run(many_completed(n), {.clock = &clock}), static_cast<long>(n) * (n - 1) / 2);
}

// --- gather over tasks and futures ----------------------------------------------------------

task<void> gather_mixed() {
  auto h = create_task(value_after(1, 10ms));
  futures::promise<std::string> p;
  auto f = p.get_future();
  p.set_result("two");
  auto [a, b, c] = co_await gather(h, f, value_after(3, 5ms));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "two");
  EXPECT_EQ(c, 3);
  std::vector<task_handle<int>> hs;
  hs.push_back(create_task(value_after(4, 10ms)));
  hs.push_back(create_task(value_after(5, 1ms)));
  auto vs = co_await gather(std::move(hs));
  EXPECT_EQ(vs, (std::vector<int>{4, 5}));
}

TEST(Gather, AcceptsTaskHandlesAndFutures) {
  virtual_clock clock;
  run(gather_mixed(), {.clock = &clock});
}

task<void> gather_handles_fail(log_t& log) {
  std::vector<task_handle<void>> hs;
  hs.push_back(create_task(logged_sleep(log, "slow", 1h)));
  hs.push_back(create_task(fail_after("fast", 10ms)));
  try {
    co_await gather(hs);
  } catch (const std::runtime_error& e) {
    log.push_back(std::string("gather threw ") + e.what());
  }
  log.push_back(hs[0].cancelled() ? "slow handle cancelled" : "slow handle running");
  std::vector<futures::future<int>> fs;
  futures::promise<int> ok;
  futures::promise<int> bad;
  fs.push_back(ok.get_future());
  fs.push_back(bad.get_future());
  ok.set_result(1);
  bad.set_exception(std::make_exception_ptr(std::runtime_error("future failed")));
  auto outs = co_await gather(return_exceptions, std::move(fs));
  log.push_back(std::to_string(outs[0].value()));
  log.push_back(outs[1].has_error() ? "error kept" : "wrong: no error");
}

TEST(Gather, AFailingHandleCancelsTheOthersAndFuturesReturnExceptions) {
  virtual_clock clock;
  log_t log;
  run(gather_handles_fail(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"slow cancelled", "gather threw fast", "slow handle cancelled", "1",
                        "error kept"}));
}

}  // namespace
}  // namespace braid::asyncio
