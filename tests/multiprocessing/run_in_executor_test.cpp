// The one executor interface: both pools satisfy futures::executor_like, and generic code written
// once against it (asyncio::run_in_executor here) takes a process pool as well as a thread pool.
#include <gtest/gtest.h>

#include <stdexcept>

#include "braid/asyncio.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
namespace asyncio = braid::asyncio;
namespace futures = braid::futures;
using run_in_executor_test = braid_test::leak_checked;

static_assert(futures::executor_like<futures::thread_pool_executor>);
static_assert(futures::executor_like<futures::executor>);
static_assert(futures::executor_like<mp::process_pool_executor>);

namespace {

long square(long x) {
  return x * x;
}

long fails(long) {
  throw std::runtime_error("no");
}

asyncio::task<long> squares_on(mp::process_pool_executor& pool) {
  long sum = 0;
  for (long i = 1; i <= 3; ++i) {
    const long v = co_await asyncio::run_in_executor(pool, square, i);
    sum += v;
  }
  co_return sum;
}

asyncio::task<bool> failure_comes_back(mp::process_pool_executor& pool) {
  try {
    (void)co_await asyncio::run_in_executor(pool, fails, 1L);
  } catch (const mp::remote_error& e) {
    co_return true;
  }
  co_return false;
}

// Written once for every executor.
template <futures::executor_like E>
asyncio::task<long> square_on(E& executor, long x) {
  co_return co_await asyncio::run_in_executor(executor, square, x);
}

}  // namespace

TEST_F(run_in_executor_test, AProcessPoolRunsCoroutinesCpuWork) {
  mp::process_pool_executor pool(2);
  EXPECT_EQ(asyncio::run(squares_on(pool)), 1 + 4 + 9);
}

TEST_F(run_in_executor_test, AWorkersExceptionComesBackAsRemoteError) {
  mp::process_pool_executor pool(1);
  EXPECT_TRUE(asyncio::run(failure_comes_back(pool)));
}

TEST_F(run_in_executor_test, OneGenericFunctionForBothPools) {
  mp::process_pool_executor processes(1);
  futures::thread_pool_executor threads(1);
  EXPECT_EQ(asyncio::run(square_on(processes, 7)), 49);
  EXPECT_EQ(asyncio::run(square_on(threads, 8)), 64);
}
