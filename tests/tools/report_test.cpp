#include "report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "units.hpp"

namespace braid::tool {
namespace {

using ::testing::HasSubstr;

comparison small_run() {
  comparison c;
  c.machine = {.cores = 2, .pool_max_workers = 6, .repeat = 1};
  c.workloads = {{"io", workload_kind::io, "4 waits", 4}};
  c.rows = {{"io",
             "sequential",
             {.wall_s = 0.2,
              .cpu_s = 0.001,
              .peak_rss_kib = 3900,
              .baseline_rss_kib = 3700,
              .threads = 1,
              .checksum = 4}},
            {"io",
             "thread_pool",
             {.wall_s = 0.05,
              .cpu_s = 0.001,
              .peak_rss_kib = 4100,
              .baseline_rss_kib = 3700,
              .threads = 4,
              .checksum = 4}}};
  return c;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(BraidToolUnits, Durations) {
  EXPECT_EQ(format_duration(1.614), "1.61 s");
  EXPECT_EQ(format_duration(12.34), "12.3 s");
  EXPECT_EQ(format_duration(0.5461), "546 ms");
  EXPECT_EQ(format_duration(0.0533), "53.3 ms");
  EXPECT_EQ(format_duration(0.00179), "1.79 ms");
  EXPECT_EQ(format_duration(0.0000198), "19.8 us");
}

TEST(BraidToolUnits, MemoryFactorsAndThousands) {
  EXPECT_EQ(format_memory(812), "812 KiB");
  EXPECT_EQ(format_memory(4096), "4.00 MiB");
  EXPECT_EQ(format_memory(3 * 1024 * 1024), "3.00 GiB");
  EXPECT_EQ(format_factor(1.987), "1.99x");
  EXPECT_EQ(format_factor(30.12), "30.1x");
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1000000), "1,000,000");
}

TEST(BraidToolReport, TableHasAHeaderAndOneLinePerPair) {
  const auto lines = lines_of(format_table(small_run()));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("workload"));
  EXPECT_THAT(lines[0], HasSubstr("peak RSS"));
  EXPECT_THAT(lines[2], HasSubstr("thread_pool"));
  EXPECT_THAT(lines[2], HasSubstr("50.0 ms"));
  EXPECT_THAT(lines[2], HasSubstr("4.00x"));
  EXPECT_THAT(lines[2], HasSubstr("4.00 MiB"));
  EXPECT_EQ(lines[0].size(), lines[2].size());  // columns line up
}

TEST(BraidToolReport, SpeedupIsADashWithoutASequentialRun) {
  comparison c = small_run();
  c.rows.erase(c.rows.begin());
  const auto lines = lines_of(format_table(c));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[1], HasSubstr("  -  "));
}

TEST(BraidToolReport, PlotScalesBarsToTheSlowestModel) {
  const auto lines = lines_of(format_plot(small_run(), 20));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_THAT(lines[0], HasSubstr(std::string(20, '#') + " 200 ms"));
  EXPECT_THAT(lines[1], HasSubstr(std::string(5, '#') + std::string(15, ' ') + " 50.0 ms"));
  EXPECT_EQ(lines[0].find("io"), 2u);  // the workload is named once, on its first line
  EXPECT_EQ(lines[1].find("io"), std::string::npos);
}

TEST(BraidToolReport, WrapIndentsAndKeepsWithinTheWidth) {
  const std::string text = "one two three four five six seven eight nine ten eleven twelve";
  for (const auto& line : lines_of(wrap(text, 4, 20))) {
    EXPECT_LE(line.size(), 20u) << line;
    EXPECT_EQ(line.rfind("    ", 0), 0u) << line;
  }
}

TEST(BraidToolReport, FullReportHasEverySection) {
  const comparison c = small_run();
  const auto advice = recommend_all(c);
  const std::string text = format_report(c, advice);
  for (const char* section : {"Models", "Workloads", "Machine: 2 cores", "Results", "Wall time",
                              "Recommendation\n  io: thread_pool", "Columns:"}) {
    EXPECT_THAT(text, HasSubstr(section));
  }
}

TEST(BraidToolReport, JsonHasEveryField) {
  const comparison c = small_run();
  const std::string json = format_json(c, recommend_all(c));
  for (const char* field : {"\"machine\"", "\"cores\": 2", "\"workloads\"", "\"wall_s\": 0.05",
                            "\"speedup\": 4.0", "\"peak_rss_kib\": 4100", "\"checksum\": 4",
                            "\"recommendations\"", "\"model\": \"thread_pool\""}) {
    EXPECT_THAT(json, HasSubstr(field));
  }
}

}  // namespace
}  // namespace braid::tool
