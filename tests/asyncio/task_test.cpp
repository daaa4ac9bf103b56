#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <thread>
#include <vector>

#include "braid/asyncio.hpp"
#include "support/excepthook_capture.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using log_t = std::vector<std::string>;

task<int> add(int a, int b) {
  co_await sleep(10ms);
  co_return a + b;
}

task<void> sleep_task() {
  co_await sleep(1ms);
}

task<int> main_add() {
  int v = co_await add(1, 2);
  co_return v * 10;
}

TEST(Task, RunReturnsTheMainValue) {
  virtual_clock clock;
  EXPECT_EQ(run(main_add(), {.clock = &clock}), 30);
}

task<void> record(log_t& log, std::string name, std::chrono::milliseconds d) {
  co_await sleep(d);
  log.push_back(name);
}

task<void> three(log_t& log) {
  auto a = create_task(record(log, "a", 30ms));
  auto b = create_task(record(log, "b", 10ms));
  auto c = create_task(record(log, "c", 20ms));
  co_await a;
  co_await b;
  co_await c;
}

TEST(Task, TasksRunConcurrentlyInTimerOrderOnVirtualTime) {
  virtual_clock clock;
  log_t log;
  const auto start = clock.now();
  run(three(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"b", "c", "a"}));
  EXPECT_EQ(clock.now() - start, 30ms);
}

task<void> ping(log_t& log, std::string name) {
  for (int i = 0; i < 3; ++i) {
    log.push_back(name + std::to_string(i));
    co_await sleep(0s);
  }
}

task<void> interleave(log_t& log) {
  auto a = create_task(ping(log, "a"));
  auto b = create_task(ping(log, "b"));
  co_await a;
  co_await b;
}

TEST(Task, SleepZeroYieldsOnce) {
  log_t log;
  run(interleave(log));
  EXPECT_EQ(log, (log_t{"a0", "b0", "a1", "b1", "a2", "b2"}));
}

task<void> sleeper(log_t& log) {
  log.push_back("start");
  try {
    co_await sleep(1h);
  } catch (const cancelled_error&) {
    log.push_back("cancelled");
    throw;
  }
}

task<void> cancel_sleeper(log_t& log) {
  auto t = create_task(sleeper(log));
  co_await sleep(1s);
  EXPECT_TRUE(t.cancel());
  EXPECT_EQ(t.cancelling(), 1u);
  bool thrown = false;
  try {
    co_await t;
  } catch (const cancelled_error&) {
    thrown = true;
  }
  EXPECT_TRUE(thrown);
  EXPECT_TRUE(t.cancelled());
  EXPECT_FALSE(t.cancel());
  auto stats = event_loop::running().statistics();
  EXPECT_EQ(stats.timers, 0u);  // the cancelled sleep left no timer behind
}

TEST(Task, CancelDuringSleepRemovesTheTimerAndThrowsCancelledError) {
  virtual_clock clock;
  log_t log;
  const auto start = clock.now();
  run(cancel_sleeper(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"start", "cancelled"}));
  EXPECT_EQ(clock.now() - start, 1s);
}

// Regression (bpo-34872): awaiting a task while a cancellation of the awaiting task is already
// pending threw cancelled_error at once and left the awaited task running. As for a
// cancellation that arrives during the wait, the awaited task must be cancelled and awaited.
task<void> wait_for_event(event& e, log_t& log) {
  try {
    co_await e.wait();
    log.push_back("inner woke");
  } catch (const cancelled_error&) {
    log.push_back("inner cancelled");
    throw;
  }
}

task<void> await_with_pending_cancel(log_t& log) {
  event never;
  auto inner = create_task(wait_for_event(never, log));
  co_await sleep(0s);       // inner is waiting on the event
  current_task().cancel();  // pending: delivered at the next suspension point
  try {
    co_await inner;
  } catch (const cancelled_error&) {
    log.push_back("outer cancelled");
  }
  EXPECT_TRUE(inner.done());  // it was cancelled and waited for, not left running
  EXPECT_TRUE(inner.cancelled());
}

TEST(Task, AwaitingWithACancellationPendingCancelsTheAwaitedTask) {
  virtual_clock clock;
  log_t log;
  run(await_with_pending_cancel(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"inner cancelled", "outer cancelled"}));
}

task<void> cancel_before_start(log_t& log) {
  auto t = create_task(sleeper(log));
  t.cancel();
  try {
    co_await t;
  } catch (const cancelled_error&) {
    log.push_back("awaiter saw cancel");
  }
}

TEST(Task, CancelBeforeTheFirstStepNeverRunsTheBody) {
  log_t log;
  run(cancel_before_start(log));
  EXPECT_EQ(log, (log_t{"awaiter saw cancel"}));
}

task<void> swallow_once(log_t& log) {
  try {
    co_await sleep(1h);
  } catch (const cancelled_error&) {
    log.push_back("caught");
  }
  auto self = current_task();
  log.push_back("cancelling=" + std::to_string(self.cancelling()));
  self.uncancel();
  co_await sleep(1s);
  log.push_back("slept again");
}

task<void> uncancel_main(log_t& log) {
  auto t = create_task(swallow_once(log));
  co_await sleep(0s);
  t.cancel();
  co_await t;
}

TEST(Task, UncancelWithdrawsARequest) {
  virtual_clock clock;
  log_t log;
  run(uncancel_main(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"caught", "cancelling=1", "slept again"}));
}

task<void> fail_after(std::chrono::milliseconds d) {
  co_await sleep(d);
  throw std::runtime_error("boom");
}

task<void> drop_failed_handle() {
  {
    auto t = create_task(fail_after(1ms), "dropper");
    co_await sleep(10ms);
    EXPECT_TRUE(t.done());
  }  // handle destroyed here: reported now
  co_await sleep(1ms);
}

TEST(Task, UnobservedErrorIsReportedWhenTheLastHandleGoes) {
  test::excepthook_capture capture;
  virtual_clock clock;
  run(drop_failed_handle(), {.clock = &clock});
  auto reports = capture.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].what, "boom");
  EXPECT_NE(reports[0].where.find("dropper"), std::string::npos);
}

task<void> observe_failed() {
  auto t = create_task(fail_after(1ms));
  try {
    co_await t;
  } catch (const std::runtime_error&) {
  }
}

TEST(Task, ObservedErrorIsNotReported) {
  test::excepthook_capture capture;
  virtual_clock clock;
  run(observe_failed(), {.clock = &clock});
  EXPECT_TRUE(capture.reports().empty());
}

task<void> detach_failing() {
  create_task(fail_after(5ms), "detached-one").detach();
  co_await sleep(10ms);
}

TEST(Task, DetachedTaskFailureIsReported) {
  test::excepthook_capture capture;
  virtual_clock clock;
  run(detach_failing(), {.clock = &clock});
  auto reports = capture.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_NE(reports[0].where.find("detached task 'detached-one'"), std::string::npos);
}

task<void> nested_run() {
  bool thrown = false;
  try {
    run(main_add());
  } catch (const event_loop_error&) {
    thrown = true;
  }
  EXPECT_TRUE(thrown);
  co_return;
}

TEST(Task, RunInsideARunningLoopThrows) {
  run(nested_run());
}

task<void> names_and_tasks() {
  auto self = current_task();
  EXPECT_EQ(self.name(), "main");
  auto t = create_task(sleep_task(), "worker");
  EXPECT_EQ(t.name(), "worker");
  t.set_name("renamed");
  auto all = all_tasks();
  EXPECT_EQ(all.size(), 2u);
  co_await t;
  EXPECT_EQ(all_tasks().size(), 1u);
}

TEST(Task, CurrentTaskAllTasksAndNames) {
  run(names_and_tasks());
}

task<void> left_running(log_t& log) {
  create_task(sleeper(log)).detach();
  co_await sleep(0s);
}

TEST(Task, RunCancelsTasksStillRunningAtTheEnd) {
  log_t log;
  run(left_running(log));
  EXPECT_EQ(log, (log_t{"start", "cancelled"}));
}

task<void> callbacks(log_t& log) {
  auto& loop = event_loop::running();
  loop.call_later(20ms, [&log] { log.push_back("later20"); });
  auto h = loop.call_later(10ms, [&log] { log.push_back("cancelled one"); });
  loop.call_soon([&log] { log.push_back("soon1"); });
  loop.call_soon([&log] { log.push_back("soon2"); });
  loop.call_at(loop.time() + 5ms, [&log] { log.push_back("at5"); });
  h.cancel();
  EXPECT_TRUE(h.cancelled());
  co_await sleep(30ms);
}

TEST(Loop, CallSoonCallLaterCallAtAndCancel) {
  virtual_clock clock;
  log_t log;
  run(callbacks(log), {.clock = &clock});
  EXPECT_EQ(log, (log_t{"soon1", "soon2", "at5", "later20"}));
}

TEST(Loop, CallSoonThreadsafeFromAnotherThread) {
  event_loop loop;
  std::thread other([&loop] { loop.call_soon_threadsafe([&loop] { loop.stop(); }); });
  loop.run_forever();  // returns only once the other thread's callback ran
  other.join();
  EXPECT_GE(loop.statistics().callbacks_run, 1u);
}

TEST(Loop, RunUntilCompleteAndStatistics) {
  virtual_clock clock;
  event_loop loop(clock);
  EXPECT_EQ(loop.run_until_complete(main_add()), 30);
  auto s = loop.statistics();
  EXPECT_EQ(s.tasks_created, 1u);
  EXPECT_EQ(s.tasks_alive, 0u);
  EXPECT_GE(s.task_steps, 2u);
}

task<void> busy_step() {
  const auto until = std::chrono::steady_clock::now() + 60ms;
  while (std::chrono::steady_clock::now() < until) {
  }
  co_return;
}

TEST(Loop, WatchdogReportsABlockingStepWithTheTaskName) {
  event_loop loop;
  loop.set_debug(true);
  loop.set_slow_callback_duration(20ms);
  std::vector<slow_step_info> seen;
  loop.set_slow_step_hook([&seen](const slow_step_info& i) { seen.push_back(i); });
  auto h = loop.create_task(busy_step(), "hog");
  loop.run_until_complete(sleep_task());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].what, "task 'hog'");
  EXPECT_GE(seen[0].duration, 20ms);
  EXPECT_NE(seen[0].created_at.find("task_test.cpp"), std::string::npos);
}

TEST(Loop, WatchdogMessageIsAWarningWithTheTaskNameAndDuration) {
  slow_step_info info;
  info.what = "task 'x'";
  info.duration = 120ms + 400us;
  EXPECT_EQ(info.message(), "braid: warning: task 'x' blocked the event loop for 120 ms");
  info.created_at = "main.cpp:12 (f)";
  EXPECT_EQ(
      info.message(),
      "braid: warning: task 'x' blocked the event loop for 120 ms; created at main.cpp:12 (f)");
}

// Regression: the default report went to the excepthook as "unhandled exception in event loop
// watchdog", which reads as a crash.
TEST(Loop, DefaultWatchdogPrintsOneWarningLineToStderr) {
  event_loop loop;
  loop.set_slow_callback_duration(20ms);
  testing::internal::CaptureStderr();
  auto h = loop.create_task(busy_step(), "hog");
  loop.run_until_complete(sleep_task());
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(err.rfind("braid: warning: task 'hog' blocked the event loop for ", 0), 0u) << err;
  EXPECT_EQ(err.find("unhandled"), std::string::npos) << err;
  EXPECT_EQ(err.back(), '\n');
}

task<void> interrupt_me() {
  std::raise(SIGINT);
  co_await sleep(1h);
}

TEST(Run, SigintCancelsTheMainTaskAndRestoresTheHandler) {
  virtual_clock clock;
  EXPECT_THROW(run(interrupt_me(), {.clock = &clock}), interrupted_error);
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  EXPECT_EQ(now.sa_handler, SIG_DFL);
}

bool sigint_handled() {
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  return now.sa_handler != SIG_DFL;
}

task<int> one() {
  co_return 1;
}

task<loop_statistics> create_await_and_yield(bool& handler_installed) {
  handler_installed = sigint_handled();
  for (int i = 0; i < 100; ++i) {
    auto h = create_task(one());
    co_await h;
    co_await sleep(0s);
  }
  co_return event_loop::running().statistics();
}

// Regression: run() watched a SIGINT self-pipe, so every iteration of a default program made an
// epoll_wait system call even with work ready (4.5 times slower create + await). The handler
// now wakes the loop through its eventfd and no descriptor is watched.
TEST(Run, DefaultRunWithTheSigintHandlerSkipsThePollWhileWorkIsReady) {
  bool handler_installed = false;
  const loop_statistics s = run(create_await_and_yield(handler_installed));
  if (!handler_installed) GTEST_SKIP() << "SIGINT is not at its default here: run() leaves it";
  EXPECT_EQ(s.io_waits, 0u);
  EXPECT_EQ(s.polls, 0u);
  EXPECT_GE(s.iterations, 200u);
}

task<void> wait_forever_after_a_sigint(std::thread& sender, bool& handler_installed) {
  handler_installed = sigint_handled();
  if (!handler_installed) co_return;
  event never;
  // From another thread: the signal lands on whichever thread the kernel picks, and the loop is
  // blocked in epoll_wait (or about to be): either way its eventfd wakes it.
  sender = std::thread([] { ::kill(::getpid(), SIGINT); });
  co_await never.wait();
}

TEST(Run, SigintFromAnotherThreadWakesABlockedLoop) {
  std::thread sender;
  bool handler_installed = false;
  bool interrupted = false;
  try {
    run(wait_forever_after_a_sigint(sender, handler_installed));
  } catch (const interrupted_error&) {
    interrupted = true;
  }
  if (sender.joinable()) sender.join();
  if (!handler_installed) GTEST_SKIP() << "SIGINT is not at its default here: run() leaves it";
  EXPECT_TRUE(interrupted);
  EXPECT_FALSE(sigint_handled());
}

task<void> interrupted_twice() {
  std::raise(SIGINT);
  std::raise(SIGINT);  // the second, while the first is queued, is not queued twice
  try {
    co_await sleep(1h);
  } catch (const cancelled_error&) {
  }
  std::raise(SIGINT);  // main is cancelled again at its next suspension
  co_await sleep(1h);
}

TEST(Run, RepeatedSigintsEachCancelTheMainTask) {
  virtual_clock clock;
  EXPECT_THROW(run(interrupted_twice(), {.clock = &clock}), interrupted_error);
  EXPECT_FALSE(sigint_handled());
}

}  // namespace
}  // namespace braid::asyncio
