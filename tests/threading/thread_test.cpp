#include "braid/threading/thread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "braid/threading/current_thread.hpp"
#include "braid/threading/errors.hpp"
#include "braid/threading/event.hpp"

namespace bt = braid::threading;
using namespace std::chrono_literals;

TEST(threading_thread, JoinTimeoutFalseThenTrue) {
  bt::event release;
  bt::thread t([&] { release.wait(); });
  EXPECT_FALSE(t.is_alive());
  t.start();
  EXPECT_TRUE(t.is_alive());
  EXPECT_FALSE(t.join(20ms));
  EXPECT_TRUE(t.is_alive());
  release.set();
  EXPECT_TRUE(t.join(60s));
  EXPECT_FALSE(t.is_alive());
  EXPECT_TRUE(t.join(0s));  // joining an ended thread again is fine
  t.join();
}

TEST(threading_thread, RunsCallableWithMoveOnlyArguments) {
  int out = 0;
  bt::thread t([](std::unique_ptr<int> p, int& o) { o = *p; }, std::make_unique<int>(7),
               std::ref(out));
  t.start();
  t.join();
  EXPECT_EQ(out, 7);
}

TEST(threading_thread, StartTwiceThrows) {
  bt::thread t([] {});
  t.start();
  EXPECT_THROW(t.start(), bt::thread_error);
  t.join();
}

TEST(threading_thread, JoinBeforeStartThrows) {
  bt::thread t([] {});
  EXPECT_THROW(t.join(), bt::thread_error);
  EXPECT_THROW((void)t.join(1ms), bt::thread_error);
}

TEST(threading_thread, JoinFromItselfThrows) {
  bt::thread* self = nullptr;
  bool threw = false;
  bt::event ready;
  bt::thread t([&] {
    ready.wait();
    try {
      self->join();
    } catch (const bt::thread_error&) {
      threw = true;
    }
  });
  self = &t;
  t.start();
  ready.set();
  t.join();
  EXPECT_TRUE(threw);
}

TEST(threading_thread, DefaultNamesCountUp) {
  bt::thread a([] {});
  bt::thread b([] {});
  ASSERT_EQ(a.name().rfind("Thread-", 0), 0U);
  ASSERT_EQ(b.name().rfind("Thread-", 0), 0U);
  EXPECT_LT(std::stoul(a.name().substr(7)), std::stoul(b.name().substr(7)));
}

TEST(threading_thread, NameIdentAndNativeIdAreVisibleInside) {
  std::string inside_name;
  std::uint64_t inside_ident = 0;
  std::uint64_t inside_native = 0;
  bt::thread t(bt::thread_options{"worker", false}, [&] {
    inside_name = bt::current_thread_name();
    inside_ident = bt::get_ident();
    inside_native = bt::get_native_id();
  });
  EXPECT_EQ(t.ident(), 0U);
  EXPECT_EQ(t.native_id(), 0U);
  t.start();
  EXPECT_NE(t.ident(), 0U);  // known as soon as start() returns
  t.join();
  EXPECT_EQ(t.name(), "worker");
  EXPECT_EQ(inside_name, "worker");
  EXPECT_EQ(inside_ident, t.ident());
  EXPECT_EQ(inside_native, t.native_id());
  EXPECT_FALSE(t.daemon());
}

TEST(threading_thread, ExceptionInBodyReachesExcepthook) {
  std::mutex m;
  std::vector<std::string> seen;
  bt::set_excepthook([&](const bt::excepthook_args& args) {
    std::string what;
    try {
      std::rethrow_exception(args.exception);
    } catch (const std::exception& e) {
      what = e.what();
    }
    std::lock_guard<std::mutex> g(m);
    seen.push_back(args.thread_name + "|" + std::string(args.where) + "|" + what);
  });
  bt::thread t(bt::thread_options{"thrower", false}, [] { throw std::runtime_error("boom"); });
  t.start();
  t.join();
  bt::set_excepthook({});
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0], "thrower|thread body|boom");
  EXPECT_FALSE(t.is_alive());
}

TEST(threading_thread, DestructorJoinsNonDaemon) {
  std::atomic<bool> finished{false};
  bt::event gate;
  {
    bt::thread t([&] {
      gate.wait();
      finished = true;
    });
    t.start();
    gate.set();
  }  // joins here
  EXPECT_TRUE(finished);
}

TEST(threading_thread, DestructorDetachesDaemon) {
  auto gate = std::make_shared<bt::event>();
  auto done = std::make_shared<bt::event>();
  {
    bt::thread t(bt::thread_options{"", true}, [gate, done] {
      gate->wait();
      done->set();
    });
    EXPECT_TRUE(t.daemon());
    t.start();
  }  // detaches: would block forever if it joined, since gate is not set yet
  gate->set();
  done->wait();
}

TEST(threading_thread, UnstartedThreadIsDestroyedQuietly) {
  bool ran = false;
  {
    bt::thread t([&] { ran = true; });
  }
  EXPECT_FALSE(ran);
}

TEST(threading_thread, MovedThreadKeepsRunning) {
  bt::event gate;
  std::vector<bt::thread> threads;
  std::atomic<int> count{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      gate.wait();
      ++count;
    });
    threads.back().start();
  }
  gate.set();
  for (auto& t : threads) t.join();
  EXPECT_EQ(count, 4);
}
