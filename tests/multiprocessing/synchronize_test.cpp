#include "braid/multiprocessing/synchronize.hpp"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <vector>

#include <gtest/gtest.h>

#include "braid/multiprocessing/errors.hpp"
#include "braid/multiprocessing/process.hpp"
#include "braid/multiprocessing/value.hpp"
#include "braid/threading/current_thread.hpp"
#include "multiprocessing/leak_check.hpp"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BRAID_TEST_TSAN 1
#endif
#endif

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;
// ThreadSanitizer models a mutex or condition variable as living in one process: it cannot see
// the other process that locks or signals a process-shared one (it reports unlocks of mutexes it
// saw no lock of, and its condition-variable interception loses cross-process wake-ups). The
// cross-process cases run under the other presets.
class synchronize_test : public braid_test::leak_checked {
 protected:
  void SetUp() override {
    leak_checked::SetUp();
#ifdef BRAID_TEST_TSAN
    GTEST_SKIP() << "process-shared primitives are outside ThreadSanitizer's model";
#endif
  }
};

namespace {
void add_many(mp::value<long> counter, int n) {
  for (int i = 0; i < n; ++i) {
    mp::lock_view l = counter.get_lock();
    mp::lock_guard g(l);
    counter.raw() += 1;
  }
}
void die_holding(mp::lock l, mp::event held) {
  l.acquire();
  held.set();
  std::abort();
}
void set_event(mp::event e) {
  e.set();
}
void take_and_post(mp::semaphore s, mp::semaphore done) {
  s.acquire();
  done.release();
}
int wait_at(mp::barrier b, mp::array<int> seen, int slot) {
  const std::size_t index = b.wait(30s);
  seen[static_cast<std::size_t>(slot)] = static_cast<int>(index) + 1;
  return 0;
}
void notify_when_ready(mp::condition c, mp::value<int> ready) {
  mp::lock_guard g(c);
  ready.set(1);
  c.notify_all();
}
}  // namespace

TEST_F(synchronize_test, AValueLockedAcrossProcessesCountsExactly) {
  mp::value<long> counter(0);
  std::vector<mp::process> ps;
  for (int i = 0; i < 3; ++i) ps.emplace_back(add_many, counter, 2000);
  for (auto& p : ps) p.start();
  for (auto& p : ps) p.join();
  EXPECT_EQ(counter.get(), 6000);
}

TEST_F(synchronize_test, ALockWhoseHolderDiedIsTakenOverAndReported) {
  std::vector<std::string> reported;
  braid::threading::set_excepthook([&](const braid::threading::excepthook_args& a) {
    try {
      std::rethrow_exception(a.exception);
    } catch (const mp::owner_died& e) {
      reported.push_back(e.what());
    } catch (...) {
    }
  });
  mp::lock l;
  mp::event held;
  mp::process p(die_holding, l, held);
  p.start();
  EXPECT_TRUE(held.wait(30s));
  p.join();
  EXPECT_EQ(p.exitcode(), -SIGABRT);
  EXPECT_TRUE(l.acquire(true, 30s));  // no deadlock
  l.release();
  EXPECT_EQ(reported.size(), 1u);
  braid::threading::set_excepthook({});
}

TEST_F(synchronize_test, LockTimeoutsAndNonBlocking) {
  mp::lock l;
  EXPECT_TRUE(l.acquire());
  EXPECT_THROW(l.acquire(), braid::futures::invalid_state_error);  // not reentrant
  l.release();
  EXPECT_THROW(l.release(), braid::futures::invalid_state_error);
  mp::rlock r;
  EXPECT_TRUE(r.acquire());
  EXPECT_TRUE(r.acquire(false));
  r.release();
  r.release();
}

TEST_F(synchronize_test, EventSetInAChildWakesTheParent) {
  mp::event e;
  EXPECT_FALSE(e.wait(1ms));
  mp::process p(set_event, e);
  p.start();
  EXPECT_TRUE(e.wait(30s));
  EXPECT_TRUE(e.is_set());
  e.clear();
  EXPECT_FALSE(e.is_set());
  p.join();
}

TEST_F(synchronize_test, SemaphoreCountsAcrossProcesses) {
  mp::semaphore s(0), done(0);
  mp::process p(take_and_post, s, done);
  p.start();
  EXPECT_FALSE(done.acquire(true, 5ms));
  s.release();
  EXPECT_TRUE(done.acquire(true, 30s));
  p.join();
  EXPECT_EQ(s.get_value(), 0u);
  EXPECT_FALSE(s.acquire(false));
}

TEST_F(synchronize_test, BarrierReleasesAllPartiesWithDistinctIndexes) {
  mp::barrier b(3);
  mp::array<int> seen(2, 0);
  mp::process p1(wait_at, b, seen, 0), p2(wait_at, b, seen, 1);
  p1.start();
  p2.start();
  const std::size_t mine = b.wait(30s);
  p1.join();
  p2.join();
  std::vector<int> all{seen[0], seen[1], static_cast<int>(mine) + 1};
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<int>{1, 2, 3}));
}

TEST_F(synchronize_test, BarrierTimeoutBreaksIt) {
  mp::barrier b(2);
  EXPECT_THROW(b.wait(1ms), mp::broken_barrier_error);
  EXPECT_TRUE(b.broken());
  b.reset();
  EXPECT_FALSE(b.broken());
}

TEST_F(synchronize_test, ConditionWaitForAPredicateSetByAChild) {
  mp::condition c;
  mp::value<int> ready(0);
  mp::lock_guard g(c);
  mp::process p(notify_when_ready, c, ready);
  p.start();
  EXPECT_TRUE(c.wait_for([&] { return ready.get() == 1; }, 30s));
  c.release();
  p.join();
  c.acquire();  // the guard releases it again
}
