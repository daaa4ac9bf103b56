// `braid fetch`'s logic: percentiles, the summary and its JSON fields, output names, retries.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fetch.hpp"
#include "fetch_summary.hpp"
#include "progress.hpp"

namespace braid::tool {
namespace {

TEST(FetchSummary, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 90), 90);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 100), 100);
  EXPECT_EQ(percentile({}, 50), 0);
  EXPECT_EQ(percentile({7}, 99), 7);
  EXPECT_EQ(percentile({1, 2}, 50), 1);
}

TEST(FetchSummary, CountsAndExactJsonFields) {
  std::vector<fetch_record> recs = {{200, "", 10, 1.0, 0},
                                    {200, "", 20, 2.0, 1},
                                    {404, "status", 5, 3.0, 0},
                                    {0, "connect", 0, 4.0, 2},
                                    {503, "status", 0, 5.0, 2}};
  const fetch_summary s = summarize(recs, 2.0);
  EXPECT_EQ(s.requests, 5u);
  EXPECT_EQ(s.succeeded, 2u);
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(s.bytes, 35u);
  EXPECT_EQ(s.retries, 5u);
  EXPECT_DOUBLE_EQ(s.requests_per_second, 2.5);
  const auto j = nlohmann::json::parse(to_json(s));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  const std::vector<std::string> want = {"bytes",      "errors",        "failed",
                                         "latency_ms", "requests",      "requests_per_second",
                                         "seconds",    "status_counts", "succeeded"};
  EXPECT_EQ(keys, want);
  EXPECT_EQ(j["status_counts"]["200"], 2);
  EXPECT_EQ(j["status_counts"]["404"], 1);
  EXPECT_EQ(j["errors"]["status"], 2);
  EXPECT_EQ(j["errors"]["connect"], 1);
  EXPECT_EQ(j["latency_ms"].size(), 3u);
  EXPECT_EQ(j["latency_ms"]["p50"], 3.0);
  EXPECT_EQ(j["latency_ms"]["p99"], 5.0);
  const std::string text = to_text(s);
  EXPECT_NE(text.find("status: 200=2 404=1 503=1"), std::string::npos) << text;
  EXPECT_NE(text.find("errors: connect=1 status=2"), std::string::npos) << text;
}

TEST(FetchSummary, EmptyRunHasEmptyObjects) {
  const auto j = nlohmann::json::parse(to_json(summarize({}, 0)));
  EXPECT_TRUE(j["status_counts"].is_object());
  EXPECT_TRUE(j["errors"].is_object());
  EXPECT_EQ(j["requests_per_second"], 0.0);
}

TEST(FetchOutputName, StaysInsideTheDirectoryAndIsUnique) {
  EXPECT_EQ(output_name("/files/report.pdf", {}), "report.pdf");
  EXPECT_EQ(output_name("/files/report.pdf", {"report.pdf"}), "report-1.pdf");
  EXPECT_EQ(output_name("/files/report.pdf", {"report.pdf", "report-1.pdf"}), "report-2.pdf");
  EXPECT_EQ(output_name("/", {}), "index");
  EXPECT_EQ(output_name("/dir/", {}), "dir");
  EXPECT_EQ(output_name("/a/..", {}), "index");
  EXPECT_EQ(output_name("/a/%2e%2e%2f%2e%2e%2fetc%2fpasswd", {}), "_.._etc_passwd");
  EXPECT_EQ(output_name("/a/.hidden", {}), "hidden");
  EXPECT_EQ(output_name("/a/x%00y", {}), "x_y");
  EXPECT_EQ(output_name("/README", {"README"}), "README-1");
}

TEST(FetchRetry, WhatIsRetried) {
  EXPECT_TRUE(retryable("connect", 0));
  EXPECT_TRUE(retryable("reset", 0));
  EXPECT_TRUE(retryable("timeout", 0));
  EXPECT_TRUE(retryable("status", 503));
  EXPECT_FALSE(retryable("status", 404));
  EXPECT_FALSE(retryable("tls", 0));
  EXPECT_FALSE(retryable("", 200));
}

TEST(FetchProgress, RendersRateAndEta) {
  EXPECT_EQ(render_progress(5, 10, 1.0, 10), "[#####-----] 5/10  5.0 req/s  ETA 1s");
  EXPECT_EQ(render_progress(10, 10, 2.0, 4), "[####] 10/10  5.0 req/s  ETA 0s");
  EXPECT_EQ(render_progress(0, 10, 0.0, 2), "[--] 0/10  0.0 req/s  ETA ?");
}

}  // namespace
}  // namespace braid::tool
