#include "svg.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace braid::tool::svg {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(BraidToolSvg, EscapesMarkup) {
  EXPECT_EQ(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
}

TEST(BraidToolSvg, BarChartHasOneLabelledBarPerEntry) {
  const auto chart = bar_chart("Wall <time>", "wall_s",
                               {{"sequential", 2.0, "2 s"}, {"asyncio", 0.5, "500 ms", true}});
  EXPECT_EQ(chart.rfind("<svg", 0), 0u);
  EXPECT_EQ(count(chart, "<rect"), 2u);
  EXPECT_NE(chart.find("data-series=\"wall_s\""), std::string::npos);
  EXPECT_NE(chart.find("data-label=\"asyncio\""), std::string::npos);
  EXPECT_NE(chart.find("Wall &lt;time&gt;"), std::string::npos);
  EXPECT_EQ(count(chart, "<g"), count(chart, "</g>"));
}

TEST(BraidToolSvg, LineChartDrawsEveryCurveAndTheMarker) {
  const auto chart =
      line_chart("t", "tasks", "s", {1, 10, 100},
                 {{"a", {1, 2, 3}}, {"b", {1, std::numeric_limits<double>::quiet_NaN(), 2}}}, 10);
  EXPECT_EQ(count(chart, "<polyline"), 2u);
  EXPECT_EQ(count(chart, "<circle"), 5u);  // the NaN point is left out
  EXPECT_NE(chart.find("data-marker=\"10\""), std::string::npos);
  EXPECT_NE(chart.find("(log scale)"), std::string::npos);
}

TEST(BraidToolSvg, TimelineHasALanePerThreadAndASeriesPerCategory) {
  const auto chart = timeline("t", {{"pid 1 / a 1", "task", "thread_pool", 0, 10},
                                    {"pid 1 / a 2", "task", "thread_pool", 5, 10},
                                    {"pid 1 / a 1", "Task-1", "asyncio", 20, 5}});
  EXPECT_NE(chart.find(">pid 1 / a 1<"), std::string::npos);
  EXPECT_NE(chart.find(">pid 1 / a 2<"), std::string::npos);
  EXPECT_EQ(count(chart, "data-series="), 2u);
  EXPECT_EQ(count(chart, "<title>"), 4u);  // the chart's own and one per interval
}

}  // namespace
}  // namespace braid::tool::svg
