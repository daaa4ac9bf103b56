// Deadlines: timeout scopes (timeout_scope, reschedule, expired), trio's move_on_after and
// fail_after, and delays too large for the clock (duration::max()).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;
constexpr auto forever = std::chrono::nanoseconds::max();

// A virtual clock an hour past its epoch: loop time + nanoseconds::max() overflows there.
time_point an_hour_in() {
  return time_point{} + 1h;
}

// --- duration::max() -------------------------------------------------------------------------

task<void> sleep_forever(bool& woke) {
  co_await sleep(forever);
  woke = true;
}

task<void> one_second() {
  co_await sleep(1s);
}

task<void> max_delays(log_t& log) {
  bool woke = false;
  auto sleeper = create_task(sleep_forever(woke));
  auto cb = event_loop::running().call_later(forever, [&log] { log.push_back("callback ran"); });
  EXPECT_GT(cb.when(), event_loop::running().time() + 24h * 365 * 50);
  int v = co_await timeout(forever, [](int x) -> task<int> {
    co_await sleep(1s);
    co_return x;
  }(7));
  log.push_back("timeout body " + std::to_string(v));
  std::vector<task_handle<void>> hs;
  hs.push_back(create_task(one_second()));
  auto r = co_await wait(std::move(hs), return_when::all_completed, forever);
  log.push_back("wait ended, pending " + std::to_string(r.pending.size()));
  co_await sleep(24h * 365);
  log.push_back(woke ? "sleeper woke" : "sleeper still asleep");
  cb.cancel();
  sleeper.cancel();
}

// Regression: loop time + duration::max() overflowed into the past, so a sleep "forever", a
// call_later, timeout() and wait() with such a delay fired at once.
TEST(Timeout, MaximalDelaysMeanPracticallyForeverNotAnOverflow) {
  virtual_clock clock(an_hour_in());
  log_t log;
  run(max_delays(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"timeout body 7", "wait ended, pending 0", "sleeper still asleep"}));
}

task<void> sleep_max_seconds(bool& woke) {
  co_await sleep(std::chrono::seconds::max());  // no overflow converting to nanoseconds either
  woke = true;
}

task<bool> max_seconds() {
  bool woke = false;
  auto h = create_task(sleep_max_seconds(woke));
  co_await sleep(1h);
  h.cancel();
  co_return woke;
}

TEST(Timeout, SleepOfSecondsMaxDoesNotOverflow) {
  virtual_clock clock(an_hour_in());
  EXPECT_FALSE(run(max_seconds(), {.clock = &clock}));
}

// timeout(), wait_for(), fail_after(), move_on_after(), reschedule_after(), call_later() and
// wait() take any duration type, as sleep() does: seconds::max() is clamped, not overflowed in a
// conversion to nanoseconds first.
task<int> seven_after_a_second() {
  co_await sleep(1s);
  co_return 7;
}

task<void> max_seconds_everywhere(log_t& log) {
  constexpr auto max_s = std::chrono::seconds::max();
  auto cb = event_loop::running().call_later(max_s, [&log] { log.push_back("callback ran"); });
  EXPECT_GT(cb.when(), event_loop::running().time() + 24h * 365 * 50);
  const int a = co_await timeout(max_s, seven_after_a_second());
  const int b = co_await wait_for(seven_after_a_second(), max_s);
  auto h = create_task(seven_after_a_second());
  const int c = co_await wait_for(h, max_s);
  log.push_back("values " + std::to_string(a + b + c));
  auto body = [](timeout_scope& t) -> task<void> {
    t.reschedule_after(std::chrono::seconds::max());
    co_await sleep(1s);
  };
  co_await fail_after(max_s, body);
  const bool cut = co_await move_on_after(max_s, body);
  log.push_back(cut ? "cut short" : "completed");
  std::vector<task_handle<void>> hs;
  hs.push_back(create_task(one_second()));
  auto r = co_await wait(std::move(hs), return_when::all_completed, max_s);
  log.push_back("wait ended, pending " + std::to_string(r.pending.size()));
  co_await sleep(24h * 365);
  cb.cancel();
}

TEST(Timeout, SecondsMaxIsClampedByEveryDelayTakingFunction) {
  virtual_clock clock(an_hour_in());
  log_t log;
  run(max_seconds_everywhere(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"values 21", "completed", "wait ended, pending 0"}));
}

// --- timeout_scope ---------------------------------------------------------------------------

task<void> scope_reschedule(log_t& log) {
  co_await timeout(10ms, [&log](timeout_scope& t) -> task<void> {
    log.push_back(t.expired() ? "expired" : "not expired");
    t.reschedule(t.when().value() + 1h);
    co_await sleep(30min);  // past the first deadline: rescheduled
    log.push_back("survived the first deadline");
    t.reschedule(std::nullopt);
    log.push_back(t.when() ? "has a deadline" : "no deadline");
    co_await sleep(2h);
    log.push_back("no deadline at all");
  });
}

TEST(Timeout, RescheduleMovesOrRemovesTheDeadline) {
  virtual_clock clock;
  log_t log;
  run(scope_reschedule(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"not expired", "survived the first deadline", "no deadline",
                        "no deadline at all"}));
}

task<void> scope_expires(log_t& log) {
  try {
    co_await timeout(10ms, [&log](timeout_scope& t) -> task<void> {
      try {
        co_await sleep(1h);
      } catch (const cancelled_error&) {
        log.push_back(t.expired() ? "cancelled, expired" : "cancelled, not expired");
        try {
          t.reschedule_after(1h);
        } catch (const invalid_state_error&) {
          log.push_back("reschedule after expiry throws");
        }
        throw;
      }
    });
  } catch (const timeout_error&) {
    log.push_back("timeout_error");
  }
}

TEST(Timeout, ExpiredScopeReportsItAndRefusesReschedule) {
  virtual_clock clock;
  log_t log;
  run(scope_expires(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"cancelled, expired", "reschedule after expiry throws", "timeout_error"}));
}

task<void> deadline_set_later(log_t& log) {
  try {
    co_await timeout_at(std::nullopt, [&log](timeout_scope& t) -> task<void> {
      log.push_back(t.when() ? "deadline" : "no deadline yet");
      t.reschedule(event_loop::running().time() + 5ms);
      co_await sleep(1h);
    });
  } catch (const timeout_error&) {
    log.push_back("timeout_error at " +
                  std::to_string(event_loop::running().time().time_since_epoch() / 1ms) + " ms");
  }
}

TEST(Timeout, ScopeWithoutDeadlineGetsOneByReschedule) {
  virtual_clock clock;
  log_t log;
  run(deadline_set_later(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"no deadline yet", "timeout_error at 5 ms"}));
}

// --- move_on_after / fail_after --------------------------------------------------------------

task<void> move_on(log_t& log) {
  bool cut = co_await move_on_after(10ms, [&log](timeout_scope&) -> task<void> {
    co_await sleep(1h);
    log.push_back("wrong: body finished");
  });
  log.push_back(cut ? "cut short" : "completed");
  bool cut2 =
      co_await move_on_after(1h, [](timeout_scope&) -> task<void> { co_await sleep(10ms); });
  log.push_back(cut2 ? "cut short" : "completed");
  std::optional<int> v = co_await move_on_after(10ms, [](timeout_scope&) -> task<int> {
    co_await sleep(1h);
    co_return 1;
  });
  log.push_back(v ? "value" : "no value");
  std::optional<int> w =
      co_await move_on_at(time_point{} + 1h, [](timeout_scope&) -> task<int> { co_return 2; });
  log.push_back(w ? "value " + std::to_string(*w) : "no value");
  co_await sleep(1h);  // the scopes' deadlines are gone: nothing cancels this
  log.push_back("still alive");
}

TEST(MoveOnAfter, TheDeadlineCancelsTheBodyAndExecutionContinues) {
  virtual_clock clock;
  log_t log;
  run(move_on(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"cut short", "completed", "no value", "value 2", "still alive"}));
}

task<void> move_on_cancelled_from_outside(log_t& log) {
  try {
    co_await move_on_after(1h, [](timeout_scope&) -> task<void> { co_await sleep(2h); });
    log.push_back("wrong: moved on");
  } catch (const cancelled_error&) {
    log.push_back("cancelled_error");
    throw;
  }
}

task<void> cancel_after(task_handle<void> h, log_t& log) {
  co_await sleep(1ms);
  h.cancel();
  try {
    co_await h;
  } catch (const cancelled_error&) {
    log.push_back("outer saw cancellation");
  }
}

task<void> outside_cancel(log_t& log) {
  auto h = create_task(move_on_cancelled_from_outside(log));
  co_await cancel_after(h, log);
}

TEST(MoveOnAfter, ACancelFromOutsideIsNeverSwallowed) {
  virtual_clock clock;
  log_t log;
  run(outside_cancel(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"cancelled_error", "outer saw cancellation"}));
}

task<void> fail(log_t& log) {
  try {
    co_await fail_after(10ms, [](timeout_scope&) -> task<void> { co_await sleep(1h); });
  } catch (const timeout_error&) {
    log.push_back("timeout_error");
  }
  int v = co_await fail_at(time_point{} + 1h, [](timeout_scope&) -> task<int> { co_return 3; });
  log.push_back(std::to_string(v));
}

TEST(FailAfter, TheDeadlineThrowsTimeoutError) {
  virtual_clock clock;
  log_t log;
  run(fail(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"timeout_error", "3"}));
}

}  // namespace
}  // namespace braid::asyncio
