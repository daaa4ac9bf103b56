#include "braid/threading/current_thread.hpp"

#include <gtest/gtest.h>
#include <pthread.h>

#include <stdexcept>
#include <string>

#include "braid/threading/thread.hpp"

namespace bt = braid::threading;

namespace {

struct hook_reset {
  ~hook_reset() { bt::set_excepthook({}); }
};

}  // namespace

TEST(threading_current_thread, MainThreadIsNamedMainThread) {
  EXPECT_EQ(bt::current_thread_name(), "MainThread");
}

TEST(threading_current_thread, IdentsAreDistinctAndNonZero) {
  std::uint64_t other = 0;
  std::uint64_t other_native = 0;
  bt::thread t([&] {
    other = bt::get_ident();
    other_native = bt::get_native_id();
  });
  t.start();
  t.join();
  EXPECT_NE(bt::get_ident(), 0U);
  EXPECT_NE(other, 0U);
  EXPECT_NE(other, bt::get_ident());
  EXPECT_NE(other_native, bt::get_native_id());
  EXPECT_EQ(bt::get_ident(), bt::get_ident());
}

TEST(threading_current_thread, SetNameSetsBraidAndTruncatedOsName) {
  std::string braid_name;
  std::string os_name;
  bt::thread t([&] {
    bt::set_current_thread_name("a-rather-long-thread-name");
    braid_name = bt::current_thread_name();
    char buffer[32] = {};
    pthread_getname_np(pthread_self(), buffer, sizeof buffer);
    os_name = buffer;
  });
  t.start();
  t.join();
  EXPECT_EQ(braid_name, "a-rather-long-thread-name");
  EXPECT_EQ(os_name, "a-rather-long-t");
}

TEST(threading_current_thread, DefaultHookPrintsWhereThreadTypeAndWhat) {
  testing::internal::CaptureStderr();
  bt::report_unhandled(std::make_exception_ptr(std::invalid_argument("boom")), "a test");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out,
            "braid: unhandled exception in a test on thread MainThread: std::invalid_argument: "
            "boom\n");
}

TEST(threading_current_thread, NullExceptionIsIgnored) {
  hook_reset reset;
  int calls = 0;
  bt::set_excepthook([&](const bt::excepthook_args&) { ++calls; });
  bt::report_unhandled(nullptr, "nothing");
  EXPECT_EQ(calls, 0);
}

TEST(threading_current_thread, ThrowingHookIsReportedByDefaultHook) {
  hook_reset reset;
  bt::set_excepthook([](const bt::excepthook_args&) { throw std::logic_error("hook failed"); });
  testing::internal::CaptureStderr();
  bt::report_unhandled(std::make_exception_ptr(std::runtime_error("original")), "somewhere");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("in excepthook on thread MainThread: std::logic_error: hook failed"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("in somewhere on thread MainThread: std::runtime_error: original"),
            std::string::npos)
      << out;
}

TEST(threading_current_thread, NonStdExceptionIsDescribedByType) {
  testing::internal::CaptureStderr();
  bt::report_unhandled(std::make_exception_ptr(42), "x");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out, "braid: unhandled exception in x on thread MainThread: int: \n");
}

TEST(threading_current_thread, GetExcepthookReturnsTheHookInForceAndSetReturnsThePrevious) {
  hook_reset reset;
  int first = 0;
  int second = 0;
  bt::excepthook_function previous =
      bt::set_excepthook([&](const bt::excepthook_args&) { ++first; });
  ASSERT_TRUE(previous);  // the default, as a callable
  bt::excepthook_function current = bt::get_excepthook();
  current(bt::excepthook_args{std::make_exception_ptr(1), "t", "w"});
  EXPECT_EQ(first, 1);
  // A new hook that adds to the old one.
  bt::excepthook_function old =
      bt::set_excepthook([&, chained = bt::get_excepthook()](const bt::excepthook_args& args) {
        ++second;
        chained(args);
      });
  bt::report_unhandled(std::make_exception_ptr(2), "chained");
  EXPECT_EQ(first, 2);
  EXPECT_EQ(second, 1);
  old(bt::excepthook_args{std::make_exception_ptr(3), "t", "w"});
  EXPECT_EQ(first, 3);
}

TEST(threading_current_thread, GetExcepthookWithNoHookSetIsTheDefault) {
  hook_reset reset;
  bt::set_excepthook({});
  testing::internal::CaptureStderr();
  bt::get_excepthook()(bt::excepthook_args{std::make_exception_ptr(std::runtime_error("x")),
                                           "MainThread", "a test"});
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("std::runtime_error: x"), std::string::npos) << out;
}
