#include "braid/multiprocessing/pool.hpp"

#include <cstdlib>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
using pool_test = braid_test::leak_checked;

namespace {
long factorial_mod(int n) {
  long r = 1;
  for (int i = 2; i <= n; ++i) r = r * i % 1000003;
  return r;
}
int add(int a, int b) {
  return a + b;
}
}  // namespace

TEST_F(pool_test, ApplyAndApplyAsync) {
  mp::pool p(2);
  EXPECT_EQ(p.apply(add, 2, 3), 5);
  auto f = p.apply_async(factorial_mod, 10);
  EXPECT_EQ(f.result(), 3628800 % 1000003);
}

TEST_F(pool_test, MapStarmapImapAndImapUnordered) {
  mp::pool p(2);
  std::vector<int> xs;
  for (int i = 0; i < 100; ++i) xs.push_back(i);
  auto r = p.map(factorial_mod, xs);
  ASSERT_EQ(r.size(), 100u);
  EXPECT_EQ(r[5], 120);
  std::vector<std::tuple<int, int>> pairs{{1, 2}, {3, 4}, {5, 6}};
  EXPECT_EQ(p.starmap(add, pairs), (std::vector<int>{3, 7, 11}));
  std::vector<long> ordered;
  for (long v : p.imap(factorial_mod, xs, 7)) ordered.push_back(v);
  EXPECT_EQ(ordered, std::vector<long>(r.begin(), r.end()));
  long sum = 0, expected = 0;
  for (long v : p.imap_unordered(factorial_mod, xs)) sum += v;
  for (long v : r) expected += v;
  EXPECT_EQ(sum, expected);
}

TEST_F(pool_test, ATaskLostToADeadWorkerFailsInsteadOfHanging) {
  mp::pool p(2);
  auto dies = [](int x) {
    if (x == 3) std::abort();
    return x;
  };
  EXPECT_THROW(p.map(dies, std::vector<int>{1, 2, 3, 4}, 1), mp::worker_died);
  EXPECT_EQ(p.apply(add, 1, 1), 2);  // and the pool goes on
}

TEST_F(pool_test, CloseJoinAndTerminate) {
  mp::pool p(2);
  auto f = p.apply_async(add, 4, 4);
  p.close();
  EXPECT_THROW(p.apply(add, 1, 1), braid::futures::executor_shutdown_error);
  p.join();
  EXPECT_EQ(f.result(), 8);
}
