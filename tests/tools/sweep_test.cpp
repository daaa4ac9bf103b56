#include "sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace braid::tool {
namespace {

TEST(BraidToolSweep, ParsesAParameterAndItsValues) {
  const auto spec = parse_sweep("tasks=1,10,100");
  EXPECT_EQ(spec.parameter, "tasks");
  EXPECT_EQ(spec.values, (std::vector<double>{1, 10, 100}));
  EXPECT_EQ(with_value({}, "tasks", 10).tasks, 10u);
  EXPECT_EQ(with_value({}, "io-latency", 7).io_latency.count(), 7);
  EXPECT_EQ(with_value({}, "cpu-size", 5000).cpu_size, 5000u);
}

TEST(BraidToolSweep, RejectsWhatItCannotSweep) {
  EXPECT_THROW(parse_sweep("tasks"), std::invalid_argument);
  EXPECT_THROW(parse_sweep("colour=1,2"), std::invalid_argument);
  EXPECT_THROW(parse_sweep("tasks=1,x"), std::invalid_argument);
  EXPECT_THROW(parse_sweep("tasks=0"), std::invalid_argument);
  EXPECT_THROW(parse_sweep("tasks="), std::invalid_argument);
}

sweep_point point(double value, double seq_wall, double async_wall, const char* best) {
  sweep_point p;
  p.value = value;
  p.results.workloads = {{"sleep", workload_kind::io, "", 1}};
  p.results.rows = {{"sleep", "sequential", {.wall_s = seq_wall}},
                    {"sleep", "asyncio", {.wall_s = async_wall}}};
  p.advice = {{"sleep", best, "because"}};
  return p;
}

TEST(BraidToolSweep, FindsWhereTheRecommendationChanges) {
  sweep_result sweep{"tasks",
                     {point(1, 0.01, 0.01, "sequential"), point(10, 0.1, 0.01, "asyncio"),
                      point(100, 1.0, 0.01, "asyncio")}};
  const auto changes = crossovers(sweep);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].from_model, "sequential");
  EXPECT_EQ(changes[0].to_model, "asyncio");
  EXPECT_EQ(changes[0].before, 1);
  EXPECT_EQ(changes[0].after, 10);
  EXPECT_EQ(wall_series(sweep, "sleep", "sequential"), (std::vector<double>{0.01, 0.1, 1.0}));
  EXPECT_TRUE(std::isnan(wall_series(sweep, "sleep", "thread_pool")[0]));
  const std::string text = format_sweep(sweep);
  EXPECT_NE(text.find("changes from sequential to asyncio between tasks=1 and 10"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace braid::tool
