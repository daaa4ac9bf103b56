// Bounded stress tests (label `stress`) for the loop's cross-thread races: work posted from
// another thread while run() returns, run_coroutine_threadsafe racing close(), and futures of
// run_coroutine_threadsafe cancelled before their task's first step. Their verdicts come from
// the sanitizers (ASan/LSan, TSan) and from what is left at the end; no assertion depends on
// timing.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "loop_thread.hpp"
#include "support/counted.hpp"
#include "support/stress.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

task<void> await_each(std::vector<futures::future<void>> fs) {
  for (auto& f : fs) co_await f;
}

// Regression: post_threadsafe read the loop after unlocking its queue. Once the loop had taken
// the work, run() could return and free the loop before that read. Futures of a thread pool
// that outlives asyncio::run are the common trigger: their completions post to the loop.
TEST(ThreadsafeStress, PoolFuturesCompletingWhileRunReturns) {
  futures::thread_pool_executor pool(2);
  braid::test::stress_rounds(100000, 1500ms, [&](std::size_t) {
    std::vector<futures::future<void>> fs;
    for (int i = 0; i < 3; ++i) fs.push_back(pool.submit([] {}));
    run(await_each(std::move(fs)), {.handle_sigint = false});
  });
}

task<void> spin_until(std::atomic<bool>& flag, std::atomic<event_loop*>& loop, std::latch& ready) {
  loop = &event_loop::running();
  ready.count_down();
  while (!flag.load()) co_await sleep(0s);  // busy: the loop takes posted work without a wake-up
}

// The same race through call_soon_threadsafe: the callback lets main finish, so the loop may be
// destroyed while the posting thread is still inside call_soon_threadsafe.
TEST(ThreadsafeStress, CallSoonThreadsafeWhileRunReturns) {
  braid::test::stress_rounds(100000, 1500ms, [&](std::size_t) {
    std::atomic<bool> flag{false};
    std::atomic<event_loop*> loop{nullptr};
    std::latch ready(1);
    std::thread poster([&] {
      ready.wait();
      loop.load()->call_soon_threadsafe([&flag] { flag = true; });
    });
    run(spin_until(flag, loop, ready), {.handle_sigint = false});
    poster.join();
  });
}

task<int> immediate(int v) {
  co_return v;
}

// Regression: run_coroutine_threadsafe checked for a closed loop and pushed its callback in two
// critical sections, and close() drained the queue without the lock, so a callback pushed in
// between never ran and its future never completed. Now each post either fails with
// event_loop_error or its future completes (here: broken_promise, the loop never runs).
TEST(ThreadsafeStress, RunCoroutineThreadsafeRacingClose) {
  braid::test::stress_rounds(100000, 1500ms, [&](std::size_t) {
    std::optional<futures::future<int>> f;
    bool threw = false;
    {
      event_loop loop;
      std::latch go(2);
      std::thread poster([&] {
        go.arrive_and_wait();
        try {
          f = run_coroutine_threadsafe(immediate(1), loop);
        } catch (const event_loop_error&) {
          threw = true;
        }
      });
      go.arrive_and_wait();
      loop.close();
      poster.join();
    }
    ASSERT_TRUE(threw || f.has_value());
    if (f) {
      ASSERT_TRUE(f->done());  // never lost: the closed loop dropped the callback
      EXPECT_THROW(f->result(), futures::broken_promise);
    }
  });
}

using braid::test::counted;

task<int> counted_value(counted, int v) {
  co_await sleep(0s);
  co_return v;
}

// Regression: cancelling the future before the task's first step leaked the task (its frame and
// the shared slot held each other). Cancels race the start, the first step and the result; at
// the end every frame must be gone (LSan checks the heap too).
TEST(ThreadsafeStress, CancelRunCoroutineThreadsafeFuturesEarly) {
  {
    test::loop_on_another_thread remote;
    braid::test::stress_rounds(20000, 1500ms, [&](std::size_t) {
      auto f = run_coroutine_threadsafe(counted_value(counted(), 1), remote.loop());
      f.cancel();
    });
  }
  EXPECT_EQ(counted::alive.load(), 0);
}

task<void> until_cancelled(std::latch& started) {
  started.count_down();
  event never;
  co_await never.wait();
}

// The future's done-callback used to capture the loop by reference: a cancel on the caller's
// thread racing the loop's shutdown and destruction reached a dead loop. It now posts through a
// loop_poster, which fails once the loop is closed or destroyed.
TEST(ThreadsafeStress, CancelRacingTheLoopsDestruction) {
  braid::test::stress_rounds(2000, 1500ms, [&](std::size_t) {
    std::optional<futures::future<void>> f;
    std::latch started(1);
    {
      auto remote = std::make_unique<test::loop_on_another_thread>();
      f = run_coroutine_threadsafe(until_cancelled(started), remote->loop());
      started.wait();  // the task runs: the loop is about to be stopped with it pending
      std::latch go(2);
      std::thread canceller([&] {
        go.arrive_and_wait();
        f->cancel();
      });
      go.arrive_and_wait();
      remote.reset();  // stops the loop, whose close() cancels the task, and destroys it
      canceller.join();
    }
    ASSERT_TRUE(f->done());
    EXPECT_TRUE(f->cancelled());
  });
}

}  // namespace
}  // namespace braid::asyncio
