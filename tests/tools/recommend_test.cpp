#include "recommend.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace braid::tool {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

measurement timed(double wall_s, double cpu_s, std::size_t threads, std::int64_t rss = 4000) {
  return {.wall_s = wall_s,
          .cpu_s = cpu_s,
          .peak_rss_kib = rss,
          .baseline_rss_kib = 3700,
          .threads = threads};
}

/// Numbers like a real run on 2 cores: 8 CPU tasks and 32 tasks waiting 50 ms.
comparison typical_run() {
  comparison c;
  c.machine = {.cores = 2, .pool_max_workers = 6, .repeat = 3};
  c.workloads = {{"cpu", workload_kind::cpu, "8 prime counts", 8},
                 {"io", workload_kind::io, "32 waits", 32}};
  c.rows = {{"cpu", "sequential", timed(0.546, 0.542, 1)},
            {"cpu", "thread_per_task", timed(0.277, 0.544, 8, 4160)},
            {"cpu", "thread_pool", timed(0.275, 0.543, 6, 4100)},
            {"io", "sequential", timed(1.61, 0.0018, 1)},
            {"io", "thread_per_task", timed(0.0533, 0.0048, 32)},
            {"io", "thread_pool", timed(0.301, 0.0021, 6)}};
  return c;
}

TEST(BraidToolRecommend, CpuBoundPrefersThePoolAndExplainsTheCoreCap) {
  const comparison c = typical_run();
  const recommendation r = recommend(c, c.workloads[0]);
  EXPECT_EQ(r.workload, "cpu");
  EXPECT_EQ(r.model, "thread_pool");
  EXPECT_THAT(r.reason, HasSubstr("CPU-bound"));
  EXPECT_THAT(r.reason, HasSubstr("CPU/wall = 0.99"));
  EXPECT_THAT(r.reason, HasSubstr("capped by the 2 cores"));
  EXPECT_THAT(r.reason, HasSubstr("1.99x faster than sequential"));
  EXPECT_THAT(r.reason,
              HasSubstr("thread_per_task is about as fast (277 ms, 1.97x) but needs 8 threads "
                        "against 6 and 4.06 MiB of memory at peak against 4.00 MiB"));
  EXPECT_THAT(r.reason, HasSubstr("threads beyond the 2 cores only take turns"));
}

TEST(BraidToolRecommend, IoBoundPrefersOverlappingEveryWait) {
  const comparison c = typical_run();
  const recommendation r = recommend(c, c.workloads[1]);
  EXPECT_EQ(r.model, "thread_per_task");
  EXPECT_THAT(r.reason, HasSubstr("I/O-bound"));
  EXPECT_THAT(r.reason, HasSubstr("CPU/wall = 0.001"));
  EXPECT_THAT(r.reason, HasSubstr("30.2x faster than sequential with 32 threads"));
  EXPECT_THAT(r.reason, HasSubstr("only 6 of the 32 waits overlap"));
  EXPECT_THAT(r.reason, HasSubstr("max_workers is min(32, cores + 4) = 6"));
}

TEST(BraidToolRecommend, AmongEquallyFastModelsTheOneWithFewerThreadsWins) {
  comparison c = typical_run();
  c.rows[1].m.wall_s = 0.260;  // thread_per_task now fastest, but within 10% of thread_pool
  EXPECT_EQ(recommend(c, c.workloads[0]).model, "thread_pool");
  c.rows[1].m.wall_s = 0.200;  // now clearly faster
  EXPECT_EQ(recommend(c, c.workloads[0]).model, "thread_per_task");
}

TEST(BraidToolRecommend, SequentialWhenThreadsDoNotPayOff) {
  comparison c = typical_run();
  c.rows[0].m = timed(0.0001, 0.0001, 1);
  c.rows[1].m = timed(0.0004, 0.0006, 8);
  c.rows[2].m = timed(0.0003, 0.0004, 6);
  const recommendation r = recommend(c, c.workloads[0]);
  EXPECT_EQ(r.model, "sequential");
  EXPECT_THAT(r.reason, HasSubstr("too short or too few"));
}

TEST(BraidToolRecommend, OneCoreCannotSpeedUpCpuWork) {
  comparison c = typical_run();
  c.machine.cores = 1;
  c.rows[1].m = timed(0.550, 0.545, 8);
  c.rows[2].m = timed(0.548, 0.544, 5);
  const recommendation r = recommend(c, c.workloads[0]);
  EXPECT_EQ(r.model, "sequential");
  EXPECT_THAT(r.reason, HasSubstr("1 core"));
}

TEST(BraidToolRecommend, CpuWorkCrowdedOutByOtherProgramsSaysSo) {
  comparison c = typical_run();  // 2 cores, but the threads got only one of them
  c.rows[1].m = timed(0.553, 0.547, 8);
  c.rows[2].m = timed(0.552, 0.549, 6);
  const recommendation r = recommend(c, c.workloads[0]);
  EXPECT_EQ(r.model, "sequential");
  EXPECT_THAT(r.reason, HasSubstr("no model kept more than 0.99 cores busy"));
  EXPECT_THAT(r.reason, HasSubstr("other programs"));
}

TEST(BraidToolRecommend, WithoutASequentialRunTheKindDecides) {
  comparison c = typical_run();
  std::erase_if(c.rows, [](const result_row& row) { return row.model == "sequential"; });
  const recommendation r = recommend(c, c.workloads[1]);
  EXPECT_EQ(r.model, "thread_per_task");
  EXPECT_THAT(r.reason, HasSubstr("I/O-bound"));
  EXPECT_THAT(r.reason, HasSubstr("was the fastest (53.3 ms)"));
  EXPECT_THAT(r.reason, Not(HasSubstr("sequential")));
}

TEST(BraidToolRecommend, NothingMeasuredRecommendsNothing) {
  comparison c = typical_run();
  c.rows.clear();
  EXPECT_EQ(recommend(c, c.workloads[0]).model, "");
}

TEST(BraidToolRecommend, OnePerWorkloadInOrder) {
  const auto all = recommend_all(typical_run());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].workload, "cpu");
  EXPECT_EQ(all[1].workload, "io");
}

}  // namespace
}  // namespace braid::tool

namespace braid::tool {
namespace {

// A single-threaded tie: a coroutine loop that runs CPU work one task after another gains
// nothing over a plain loop, so the plain loop is recommended even with a little less memory.
TEST(BraidToolRecommend, ATieBetweenSingleThreadedModelsGoesToSequential) {
  comparison c;
  c.machine = {.cores = 1, .pool_max_workers = 5, .repeat = 1};
  c.workloads = {{"factorial", workload_kind::cpu, "8 factorials", 8}};
  c.rows = {{"factorial", "sequential", timed(0.203, 0.198, 1, 6400)},
            {"factorial", "asyncio", timed(0.200, 0.199, 1, 6300)}};
  EXPECT_EQ(recommend(c, c.workloads[0]).model, "sequential");
}

}  // namespace
}  // namespace braid::tool

namespace braid::tool {
namespace {

// Waits that also compute (the mixed workload): a single loop overlaps every wait, so its
// slowness is the computing it does on its one thread, not a lack of threads.
TEST(BraidToolRecommend, ALoopIsSlowBecauseOfItsComputingNotItsThreads) {
  comparison c;
  c.machine = {.cores = 2, .pool_max_workers = 6, .repeat = 1};
  c.workloads = {{"mixed", workload_kind::io, "16 fetches, then primes", 16}};
  c.rows = {{"mixed", "sequential", timed(1.28, 0.475, 1)},
            {"mixed", "asyncio", timed(0.219, 0.168, 1)},
            {"mixed", "asyncio_process_pool", timed(0.157, 0.184, 3)}};
  const recommendation r = recommend(c, c.workloads[0]);
  EXPECT_EQ(r.model, "asyncio_process_pool");
  EXPECT_THAT(r.reason, HasSubstr("asyncio is slower (219 ms, 5.84x) because the computing "
                                  "between the waits runs on its loop's thread (1 thread)"));
  EXPECT_THAT(r.reason, Not(HasSubstr("waits overlap")));
}

}  // namespace
}  // namespace braid::tool
