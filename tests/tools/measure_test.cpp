#include "measure.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

namespace braid::tool {
namespace {

TEST(BraidToolMeasure, MedianOfAnOddCountIsTheMiddleValuePerField) {
  const std::vector<measurement> runs{{.wall_s = 3, .cpu_s = 1, .peak_rss_kib = 500},
                                      {.wall_s = 1, .cpu_s = 2, .peak_rss_kib = 700},
                                      {.wall_s = 2, .cpu_s = 3, .peak_rss_kib = 600}};
  const measurement m = median(runs);
  EXPECT_DOUBLE_EQ(m.wall_s, 2);
  EXPECT_DOUBLE_EQ(m.cpu_s, 2);
  EXPECT_EQ(m.peak_rss_kib, 600);
}

TEST(BraidToolMeasure, MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo) {
  const std::vector<measurement> runs{{.wall_s = 4}, {.wall_s = 1}, {.wall_s = 2}, {.wall_s = 3}};
  EXPECT_DOUBLE_EQ(median(runs).wall_s, 2.5);
}

TEST(BraidToolMeasure, MedianOfNothingThrows) {
  EXPECT_THROW(median({}), std::invalid_argument);
}

TEST(BraidToolMeasure, ParallelismIsCpuOverWall) {
  EXPECT_DOUBLE_EQ((measurement{.wall_s = 2, .cpu_s = 3}).parallelism(), 1.5);
  EXPECT_DOUBLE_EQ(measurement{}.parallelism(), 0);
}

TEST(BraidToolMeasure, ProcessClocksMove) {
  const double before = process_cpu_seconds();
  volatile std::uint64_t sink = 0;
  for (std::uint64_t i = 0; i < 20'000'000; ++i) sink = sink + i;
  EXPECT_GT(process_cpu_seconds(), before);
  EXPECT_GT(process_peak_rss_kib(), 0);
}

}  // namespace
}  // namespace braid::tool
