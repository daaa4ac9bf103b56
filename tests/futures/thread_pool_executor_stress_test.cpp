// Races of the thread pool's start, shutdown and wake paths, looped for a bounded time (label
// `stress`; CI runs them under TSan and ASan). Each scenario is one a user writes; the ctest
// timeout catches a hang, the sanitizers a data race or a use after free.
#include <gtest/gtest.h>

#include <latch>
#include <thread>
#include <vector>

#include "braid/futures/thread_pool_executor.hpp"
#include "support/stress.hpp"

namespace braid::futures {
namespace {

using namespace std::chrono_literals;
using braid::test::stress_rounds;

// A few microseconds of work, so workers overlap with the shutdown that follows.
int busy_work(int x) {
  volatile int sink = x;
  for (int i = 0; i < 2000; ++i) sink = sink + 1;
  return x;
}

// Stands in for a short blocking call (a request, a file read): a workload, not a wait for an
// event.
int blocking_call(int x) {
  std::this_thread::sleep_for(1ms);
  return x;
}

// Python's `with ThreadPoolExecutor(8) as ex:` and four submits of 1 ms calls. Workers that
// start while shutdown() joins (a worker leaving work behind starts another) deadlocked it.
TEST(ThreadPoolExecutorStress, ShutdownWithFewerTasksThanWorkers) {
  stress_rounds(500, 2s, [](std::size_t round) {
    thread_pool_executor pool(8);
    std::vector<future<int>> fs;
    for (int i = 0; i < 4; ++i) fs.push_back(pool.submit(round % 2 ? busy_work : blocking_call, i));
    pool.shutdown();
    for (int i = 0; i < 4; ++i) ASSERT_EQ(fs[i].result(), i);
  });
}

// A task submits a subtask and waits for it while another thread shuts the pool down. Either
// the submit is refused (shutdown came first) or the subtask runs; it must never be accepted and
// then left without a worker. (With max_workers 1 a task waiting for its own subtask deadlocks
// in Python too: there is no second worker to run it.)
TEST(ThreadPoolExecutorStress, SubtaskRacingShutdownRunsOrIsRefused) {
  stress_rounds(2000, 2s, [](std::size_t round) {
    thread_pool_executor pool(round % 2 == 0 ? 2 : 3);
    std::latch go(2);
    auto task = pool.submit([&pool, &go] {
      go.arrive_and_wait();
      try {
        return pool.submit(busy_work, 1).result();
      } catch (const executor_shutdown_error&) {
        return -1;
      }
    });
    std::thread closer([&pool, &go] {
      go.arrive_and_wait();
      pool.shutdown(true);
    });
    const int outcome = task.result();
    closer.join();
    ASSERT_TRUE(outcome == 1 || outcome == -1) << outcome;
  });
}

// Sequential submit/result round trips on a fresh pool never need a second worker.
TEST(ThreadPoolExecutorStress, SequentialRoundTripsReuseOneWorker) {
  stress_rounds(300, 2s, [](std::size_t round) {
    thread_pool_executor pool(4);
    for (int i = 0; i < 20; ++i) ASSERT_EQ(pool.submit(busy_work, i).result(), i);
    ASSERT_EQ(pool.statistics().workers, 1u) << "round " << round;
  });
}

// Shutdown from several threads at once, with work in flight: every caller returns once.
TEST(ThreadPoolExecutorStress, ConcurrentShutdownsAllReturn) {
  stress_rounds(500, 2s, [](std::size_t) {
    thread_pool_executor pool(4);
    std::vector<future<int>> fs;
    for (int i = 0; i < 8; ++i) fs.push_back(pool.submit(busy_work, i));
    std::latch go(3);
    std::vector<std::thread> closers;
    for (int t = 0; t < 2; ++t) {
      closers.emplace_back([&pool, &go] {
        go.arrive_and_wait();
        pool.shutdown(true);
      });
    }
    go.arrive_and_wait();
    pool.shutdown(true);
    for (auto& c : closers) c.join();
    for (int i = 0; i < 8; ++i) ASSERT_EQ(fs[i].result(), i);
  });
}

}  // namespace
}  // namespace braid::futures
