// Misuse gets a clear, typed error, never a crash, hang or leak.
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

}  // namespace
}  // namespace braid::asyncio
