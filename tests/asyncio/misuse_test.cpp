// Misuse gets a clear, typed error, never a crash, hang or leak: scheduling on a closed loop,
// awaiting braid's awaitables on a loop thread outside a task, and using an empty task handle.
#include <gtest/gtest.h>

#include <coroutine>
#include <exception>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

struct counted {
  static inline int alive = 0;
  counted() { ++alive; }
  counted(const counted&) { ++alive; }
  counted(counted&&) noexcept { ++alive; }
  ~counted() { --alive; }
};

// --- a closed loop -------------------------------------------------------------------------

TEST(ClosedLoop, CallSoonThrowsAndFreesTheCallback) {
  event_loop loop;
  loop.close();
  bool ran = false;
  EXPECT_THROW((void)loop.call_soon([c = counted(), &ran] { ran = true; }), event_loop_error);
  EXPECT_EQ(counted::alive, 0);
  EXPECT_FALSE(ran);
}

TEST(ClosedLoop, CallLaterThrowsAndFreesTheCallback) {
  event_loop loop;
  loop.close();
  EXPECT_THROW((void)loop.call_later(1ms, [c = counted()] {}), event_loop_error);
  EXPECT_EQ(counted::alive, 0);
}

TEST(ClosedLoop, CallAtThrowsAndFreesTheCallback) {
  event_loop loop;
  loop.close();
  EXPECT_THROW((void)loop.call_at(loop.time(), [c = counted()] {}), event_loop_error);
  EXPECT_EQ(counted::alive, 0);
}

TEST(ClosedLoop, TheErrorSaysTheLoopIsClosed) {
  event_loop loop;
  loop.close();
  try {
    (void)loop.call_soon([] {});
    FAIL() << "no exception";
  } catch (const event_loop_error& e) {
    EXPECT_STREQ(e.what(), "the event loop is closed");
  }
}

// --- awaiting outside a task ---------------------------------------------------------------

// A bare coroutine, started at once: created inside a call_soon callback, it runs on the loop
// thread with no task running.
struct bare_coroutine {
  struct promise_type {
    bare_coroutine get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

struct outcome_log {
  std::string error;     // what() of the event_loop_error, if one came
  bool resumed = false;  // the await completed without an error
};

// Awaits what `make` returns; the awaitable is made inside the coroutine so that it lives in
// the frame.
template <class Make>
bare_coroutine await_outside_a_task(Make make, outcome_log& out) {
  try {
    co_await make();
    out.resumed = true;
  } catch (const event_loop_error& e) {
    out.error = e.what();
  }
}

// Runs `make`'s awaitable from a plain callback while `setup`'s task is inside the loop, then
// gives the callback's outcome.
template <class Make>
task<void> from_a_callback(Make make, outcome_log& out) {
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);  // the callback ran during this yield
  co_await sleep(0ms);
}

template <class Make>
outcome_log run_outside_a_task(Make make) {
  outcome_log out;
  virtual_clock clock;
  run(from_a_callback(make, out), {.clock = &clock});
  return out;
}

void expect_outside_a_task(const outcome_log& out) {
  EXPECT_FALSE(out.resumed);
  EXPECT_NE(out.error.find("outside a task"), std::string::npos) << out.error;
}

TEST(OutsideATask, SleepThrows) {
  expect_outside_a_task(run_outside_a_task([] { return sleep(1ms); }));
}

TEST(OutsideATask, SleepZeroThrows) {
  expect_outside_a_task(run_outside_a_task([] { return sleep(0ms); }));
}

TEST(OutsideATask, SleepUntilThrows) {
  expect_outside_a_task(run_outside_a_task([] { return sleep_until(time_point{}); }));
}

task<void> with_lock_held(outcome_log& out, bool& still_locked) {
  lock l;
  co_await l.acquire();
  auto make = [&l] { return l.acquire(); };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
  still_locked = l.locked();
  l.release();
}

TEST(OutsideATask, LockAcquireThrows) {
  outcome_log out;
  bool still_locked = false;
  virtual_clock clock;
  run(with_lock_held(out, still_locked), {.clock = &clock});
  expect_outside_a_task(out);
  EXPECT_TRUE(still_locked);
}

TEST(OutsideATask, SemaphoreAcquireThrows) {
  semaphore s(0);
  expect_outside_a_task(run_outside_a_task([&s] { return s.acquire(); }));
}

TEST(OutsideATask, EventWaitThrows) {
  event e;
  expect_outside_a_task(run_outside_a_task([&e] { return e.wait(); }));
}

TEST(OutsideATask, QueueGetPutAndJoinThrow) {
  queue<int> empty_queue;
  expect_outside_a_task(run_outside_a_task([&empty_queue] { return empty_queue.get(); }));
  queue<int> full_queue(1);
  full_queue.put_nowait(1);
  expect_outside_a_task(run_outside_a_task([&full_queue] { return full_queue.put(2); }));
  expect_outside_a_task(run_outside_a_task([&full_queue] { return full_queue.join(); }));
}

task<void> condition_wait_from_a_callback(outcome_log& out, bool& still_locked) {
  lock l;
  condition c(l);
  co_await l.acquire();
  auto make = [&c] { return c.wait(); };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
  still_locked = l.locked();  // the failed wait did not release the task's lock
  l.release();
}

TEST(OutsideATask, ConditionWaitThrowsAndKeepsTheLock) {
  outcome_log out;
  bool still_locked = false;
  virtual_clock clock;
  run(condition_wait_from_a_callback(out, still_locked), {.clock = &clock});
  expect_outside_a_task(out);
  EXPECT_TRUE(still_locked);
}

task<int> one_later() {
  co_await sleep(1ms);
  co_return 1;
}

task<void> wait_from_a_callback(outcome_log& out, bool with_timeout) {
  std::vector<task_handle<int>> handles;
  handles.push_back(create_task(one_later()));
  auto make = [handles, with_timeout] {
    return with_timeout ? wait(handles, return_when::all_completed, 1s) : wait(handles);
  };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
  co_await handles[0];
}

TEST(OutsideATask, WaitThrows) {
  for (bool with_timeout : {false, true}) {
    SCOPED_TRACE(with_timeout ? "with a timeout" : "without a timeout");
    outcome_log out;
    virtual_clock clock;
    run(wait_from_a_callback(out, with_timeout), {.clock = &clock});
    expect_outside_a_task(out);
  }
}

TEST(OutsideATask, GatherThrowsAndStartsNothing) {
  std::size_t created = 0;
  outcome_log out;
  virtual_clock clock;
  auto body = [](outcome_log& o, std::size_t& n) -> task<void> {
    const auto before = event_loop::running().statistics().tasks_created;
    auto make = [] { return gather(one_later(), one_later()); };
    auto start = [make, &o] { await_outside_a_task(make, o); };
    (void)event_loop::running().call_soon(start);
    co_await sleep(0ms);
    n = event_loop::running().statistics().tasks_created - before;
  };
  run(body(out, created), {.clock = &clock});
  expect_outside_a_task(out);
  EXPECT_EQ(created, 0u);
}

TEST(OutsideATask, GatherOfAVectorThrows) {
  expect_outside_a_task(run_outside_a_task([] {
    std::vector<task<int>> coros;
    coros.push_back(one_later());
    return gather(std::move(coros));
  }));
}

task<void> as_completed_from_a_callback(outcome_log& out) {
  std::vector<task_handle<int>> handles;
  handles.push_back(create_task(one_later()));
  as_completed<int> ac(handles);
  auto make = [&ac] { return ac.next(); };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
  co_await handles[0];
}

TEST(OutsideATask, AsCompletedNextThrows) {
  outcome_log out;
  virtual_clock clock;
  run(as_completed_from_a_callback(out), {.clock = &clock});
  expect_outside_a_task(out);
}

task<void> await_handle_from_a_callback(outcome_log& out) {
  auto h = create_task(one_later());
  auto make = [h] { return task_handle<int>(h); };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
  co_await h;
}

TEST(OutsideATask, AwaitingATaskHandleThrows) {
  outcome_log out;
  virtual_clock clock;
  run(await_handle_from_a_callback(out), {.clock = &clock});
  expect_outside_a_task(out);
}

task<void> barrier_from_a_callback(outcome_log& out) {
  barrier b(2);
  auto make = [&b] { return b.wait(); };
  auto start = [make, &out] { await_outside_a_task(make, out); };
  (void)event_loop::running().call_soon(start);
  co_await sleep(0ms);
}

TEST(OutsideATask, BarrierWaitThrows) {
  outcome_log out;
  virtual_clock clock;
  run(barrier_from_a_callback(out), {.clock = &clock});
  expect_outside_a_task(out);
}

// --- an empty task handle --------------------------------------------------------------------

template <class F>
void expect_empty_handle_error(F f) {
  try {
    f();
    ADD_FAILURE() << "no exception";
  } catch (const invalid_state_error& e) {
    EXPECT_STREQ(e.what(), "empty task handle");
  }
}

TEST(EmptyHandle, QueriesThrowInvalidStateError) {
  task_handle<int> h;
  expect_empty_handle_error([&] { (void)h.cancelling(); });
  expect_empty_handle_error([&] { (void)h.uncancel(); });
  expect_empty_handle_error([&] { (void)h.done(); });
  expect_empty_handle_error([&] { (void)h.cancelled(); });
  expect_empty_handle_error([&] { (void)h.id(); });
  expect_empty_handle_error([&] { (void)h.name(); });
  expect_empty_handle_error([&] { h.set_name("x"); });
  expect_empty_handle_error([&] { (void)h.exception(); });
  expect_empty_handle_error([&] { (void)h.result(); });
  expect_empty_handle_error([&] { (void)std::move(h).result(); });
  task_ref r;
  expect_empty_handle_error([&] { (void)r.done(); });
  expect_empty_handle_error([&] { (void)r.id(); });
}

TEST(EmptyHandle, CancelReturnsFalse) {
  task_handle<int> h;
  EXPECT_FALSE(h.cancel());
  task_ref r;
  EXPECT_FALSE(r.cancel());
}

TEST(EmptyHandle, CreatedAtIsEmptyAndDetachIsHarmless) {
  task_handle<int> h;
  EXPECT_EQ(h.created_at(), "");
  std::move(h).detach();
  EXPECT_FALSE(h);
}

task<void> await_empty(bool& threw_handle, bool& threw_ref) {
  task_handle<int> h;
  try {
    (void)co_await h;
  } catch (const invalid_state_error&) {
    threw_handle = true;
  }
  task_ref r;
  try {
    co_await r;
  } catch (const invalid_state_error&) {
    threw_ref = true;
  }
}

task<int> seven();

// A vector of handles with an empty one in it: wait() and as_completed() followed its null
// task before; they now refuse it as the handle's own members do.
task<void> wait_on_empty(bool& wait_threw, bool& as_completed_threw) {
  std::vector<task_handle<int>> handles(2);
  handles[0] = create_task(seven());
  try {
    (void)co_await wait(handles);
  } catch (const invalid_state_error&) {
    wait_threw = true;
  }
  try {
    as_completed<int> ac(handles);
  } catch (const invalid_state_error&) {
    as_completed_threw = true;
  }
  (void)co_await handles[0];
}

TEST(EmptyHandle, WaitAndAsCompletedRefuseAnEmptyHandle) {
  bool wait_threw = false;
  bool as_completed_threw = false;
  virtual_clock clock;
  run(wait_on_empty(wait_threw, as_completed_threw), {.clock = &clock});
  EXPECT_TRUE(wait_threw);
  EXPECT_TRUE(as_completed_threw);
}

TEST(EmptyHandle, AwaitingThrowsInvalidStateError) {
  bool threw_handle = false;
  bool threw_ref = false;
  virtual_clock clock;
  run(await_empty(threw_handle, threw_ref), {.clock = &clock});
  EXPECT_TRUE(threw_handle);
  EXPECT_TRUE(threw_ref);
}

task<int> seven() {
  co_return 7;
}

task<void> moved_from(bool& threw) {
  auto h = create_task(seven());
  auto other = std::move(h);
  try {
    (void)h.done();  // NOLINT(bugprone-use-after-move): the point of the test
  } catch (const invalid_state_error&) {
    threw = true;
  }
  const int v = co_await other;
  EXPECT_EQ(v, 7);
}

TEST(EmptyHandle, AMovedFromHandleIsEmpty) {
  bool threw = false;
  virtual_clock clock;
  run(moved_from(threw), {.clock = &clock});
  EXPECT_TRUE(threw);
}

}  // namespace
}  // namespace braid::asyncio
