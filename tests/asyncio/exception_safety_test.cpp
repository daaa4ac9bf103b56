// Allocation failures injected into create_task, task_group::create_task and call_at: each either
// succeeds or throws std::bad_alloc leaving the loop as it was (strong exception safety): no task
// registered, nothing leaked, and the loop still closes. And into run(): whatever fails, no file
// descriptor is left open afterwards.
//
// This binary replaces the global operator new so that a test can make the n-th allocation of
// the calling thread throw.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>

#include "braid/asyncio.hpp"
#include "support/descriptors.hpp"

// clang's ThreadSanitizer runtime defines operator new itself (not replaceably): these
// single-threaded tests then skip, the other presets run them.
#if defined(__SANITIZE_THREAD__)
#define BRAID_TEST_NO_NEW_REPLACEMENT 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BRAID_TEST_NO_NEW_REPLACEMENT 1
#endif
#endif

namespace {
thread_local long allocations_until_failure = -1;  // negative: never fail
#if !defined(BRAID_TEST_NO_NEW_REPLACEMENT)

// Out of line, so that the compiler does not pair the inlined new and delete expressions with
// malloc and free and warn about a mismatch.
[[gnu::noinline]] void* allocate_or_fail(std::size_t size) {
  if (allocations_until_failure >= 0 && allocations_until_failure-- == 0) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void deallocate(void* p) noexcept {
  std::free(p);
}
}  // namespace

void* operator new(std::size_t size) {
  return allocate_or_fail(size);
}
void operator delete(void* p) noexcept {
  deallocate(p);
}
void operator delete(void* p, std::size_t) noexcept {
  deallocate(p);
}
#else
}  // namespace
#endif

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

// Makes the n-th allocation on this thread (counting from 0) throw until destroyed.
class fail_allocation {
 public:
  explicit fail_allocation(long n) { allocations_until_failure = n; }
  static bool available() {
#if defined(BRAID_TEST_NO_NEW_REPLACEMENT)
    return false;
#else
    return true;
#endif
  }
  ~fail_allocation() {
    allocations_until_failure = -1;
  }
  fail_allocation(const fail_allocation&) = delete;
  fail_allocation& operator=(const fail_allocation&) = delete;
};

struct counted {
  static inline int alive = 0;
  counted() { ++alive; }
  counted(const counted&) { ++alive; }
  ~counted() { --alive; }
};

task<void> child(counted) {
  co_await sleep(1ms);
}

// Regression: create_task registered the task with the loop before allocating its name and
// debug information; when that allocation threw, the task stayed registered but was never
// scheduled, so cancel_all_tasks() -- and with it close() and run() -- waited for it forever.
TEST(ExceptionSafety, LoopCreateTaskIsStronglyExceptionSafe) {
  if (!fail_allocation::available()) GTEST_SKIP() << "operator new cannot be replaced here";
  for (long n = 0; n < 8; ++n) {
    SCOPED_TRACE("allocation " + std::to_string(n) + " fails");
    virtual_clock clock;
    auto loop = std::make_unique<event_loop>(clock);
    loop->set_debug(true);  // debug information is allocated too
    const std::size_t alive_before = loop->statistics().tasks_alive;
    task_handle<void> h;
    bool threw = false;
    {
      auto t = child(counted());
      std::string name(40, 'x');  // too long for the small-string buffer
      fail_allocation fail(n);
      try {
        h = loop->create_task(std::move(t), std::move(name));
      } catch (const std::bad_alloc&) {
        threw = true;
      }
    }
    if (threw) {
      EXPECT_EQ(loop->statistics().tasks_alive, alive_before);  // nothing registered
      EXPECT_EQ(loop->statistics().ready, 0u);
      EXPECT_EQ(counted::alive, 0);  // the frame was destroyed
    } else {
      EXPECT_EQ(loop->statistics().tasks_alive, alive_before + 1);
      EXPECT_EQ(h.name(), std::string(40, 'x'));
    }
    if (HasFailure()) {
      (void)loop.release();  // a half-registered task would make close() wait forever
      return;
    }
    h = task_handle<void>();
    loop->close();
    EXPECT_EQ(counted::alive, 0);
  }
}

task<void> group_create_with_failure(long n, bool& threw) {
  // Named before the co_await: a copy-capturing lambda created inside a co_await expression is
  // destroyed twice by g++ 12 (PR 100611).
  auto body = [n, &threw](task_group& tg) -> task<void> {
    auto& loop = event_loop::running();
    const std::size_t alive_before = loop.statistics().tasks_alive;
    const std::size_t size_before = tg.size();
    {
      auto t = child(counted());
      fail_allocation fail(n);
      try {
        (void)tg.create_task(std::move(t));
      } catch (const std::bad_alloc&) {
        threw = true;
      }
    }
    if (threw) {
      // No child runs outside the group's supervision, and the group is unchanged.
      EXPECT_EQ(loop.statistics().tasks_alive, alive_before);
      EXPECT_EQ(tg.size(), size_before);
    } else {
      EXPECT_EQ(loop.statistics().tasks_alive, alive_before + 1);
      EXPECT_EQ(tg.size(), size_before + 1);
    }
    co_return;
  };
  co_await with_task_group(body);
}

// Regression: task_group::create_task started the task before allocating the group's node for
// it; when that allocation threw, the child ran on outside the group (which could then finish
// while its child still ran).
TEST(ExceptionSafety, TaskGroupCreateTaskIsStronglyExceptionSafe) {
  if (!fail_allocation::available()) GTEST_SKIP() << "operator new cannot be replaced here";
  for (long n = 0; n < 8; ++n) {
    SCOPED_TRACE("allocation " + std::to_string(n) + " fails");
    virtual_clock clock;
    bool threw = false;
    run(group_create_with_failure(n, threw), {.clock = &clock, .handle_sigint = false});
    EXPECT_EQ(counted::alive, 0);
  }
}

// Regression: call_at (and call_later through it) took the timer heap's reference to the
// callback before adding it to the heap; when growing the heap threw, that reference was never
// released and the callback (with what it captured) leaked.
TEST(ExceptionSafety, CallAtAndCallLaterFreeTheCallbackWhenAddingTheTimerThrows) {
  if (!fail_allocation::available()) GTEST_SKIP() << "operator new cannot be replaced here";
  for (bool later : {false, true}) {
    bool some_threw = false;
    bool some_succeeded = false;
    for (long n = 0; n < 4; ++n) {
      SCOPED_TRACE(std::string(later ? "call_later" : "call_at") + ", allocation " +
                   std::to_string(n) + " fails");
      virtual_clock clock;
      event_loop loop(clock);
      callback_handle h;
      bool threw = false;
      {
        auto fn = [c = counted()] {};
        fail_allocation fail(n);
        try {
          h = later ? loop.call_later(1ms, fn) : loop.call_at(loop.time() + 1ms, fn);
        } catch (const std::bad_alloc&) {
          threw = true;
        }
      }
      if (threw) {
        some_threw = true;
        EXPECT_EQ(loop.statistics().timers, 0u);
        EXPECT_EQ(counted::alive, 0);  // the callback was freed
      } else {
        some_succeeded = true;
        EXPECT_EQ(loop.statistics().timers, 1u);
        EXPECT_EQ(counted::alive, 1);
      }
      h = callback_handle();
      loop.close();
      EXPECT_EQ(counted::alive, 0);
    }
    EXPECT_TRUE(some_threw);
    EXPECT_TRUE(some_succeeded);
  }
}

using braid::test::open_fd_count;

task<int> answer() {
  co_await sleep(1ms);
  co_return 42;
}

// Regression: run()'s SIGINT scope (on the main thread, with SIGINT at its default) opened its
// self-pipe and then registered it with the loop; when the registration threw, the state holding
// the pipe was destroyed without closing it: two descriptors leaked per failed run(). (SIGINT now
// wakes the loop through its eventfd and opens nothing; the loop's own descriptors must not leak
// either.)
TEST(ExceptionSafety, RunLeavesNoDescriptorOpenWhenAnAllocationFails) {
  if (!fail_allocation::available()) GTEST_SKIP() << "operator new cannot be replaced here";
  const auto before = open_fd_count();
  ASSERT_GT(before, 0u);
  bool succeeded = false;
  for (long n = 0; n < 200 && !succeeded; ++n) {
    SCOPED_TRACE("allocation " + std::to_string(n) + " fails");
    virtual_clock clock;
    try {
      fail_allocation fail(n);
      succeeded = run(answer(), {.clock = &clock, .handle_sigint = true}) == 42;
    } catch (const std::bad_alloc&) {
    }
    ASSERT_EQ(open_fd_count(), before);
  }
  EXPECT_TRUE(succeeded);  // some n was past every allocation run() makes
}

}  // namespace
}  // namespace braid::asyncio
