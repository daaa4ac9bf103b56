// Races of process_pool_executor, looped for a bounded time (label `stress`).

#include <chrono>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "braid/multiprocessing/process_pool_executor.hpp"
#include "multiprocessing/leak_check.hpp"
#include "support/stress.hpp"

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;

namespace {
using process_pool_executor_stress_test = braid_test::leak_checked;
int twice(int x) {
  return 2 * x;
}
}  // namespace

// A pool destroyed from its own done-callback, on the manager thread, while more of its work
// is in flight: the manager thread must go on with the state it shares, then free it.
TEST_F(process_pool_executor_stress_test, DestroyedFromItsOwnDoneCallbackRepeatedly) {
  braid::test::stress_rounds(200, 2000ms, [&](std::size_t i) {
    auto* pool = new mp::process_pool_executor(1);
    std::latch destroyed(1);
    auto first = pool->submit(twice, static_cast<int>(i));
    auto second = pool->submit(twice, 1);
    first.add_done_callback([&] {
      delete pool;
      destroyed.count_down();
    });
    destroyed.wait();
    EXPECT_EQ(first.result(), 2 * static_cast<int>(i));
    EXPECT_EQ(second.result(), 2);
    while (mp::detail::manager_thread_count() > 0) std::this_thread::yield();
  });
}
