// braid::trace writes valid Chrome trace-event JSON, with lanes for the thread pool's workers,
// an event loop's tasks and the process pool's workers, and the intervals are consistent: no
// task runs twice at once on one lane.
#include "braid/trace/tracing.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/error.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"

namespace trace = braid::trace;
using nlohmann::json;

namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string(name) + "-" + std::to_string(::getpid()) + ".json"))
      .string();
}

json load(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

std::uint64_t square(std::uint64_t x) {
  return x * x;
}

braid::asyncio::task<int> step_twice() {
  co_await braid::asyncio::sleep(std::chrono::nanoseconds(0));
  co_return 1;
}

braid::asyncio::task<int> three_tasks() {
  std::vector<braid::asyncio::task_handle<int>> tasks;
  for (int i = 0; i < 3; ++i) tasks.push_back(braid::asyncio::create_task(step_twice()));
  int sum = 0;
  for (auto& t : tasks) sum += co_await t;
  co_return sum;
}

// Every "X" event is well formed; returns them grouped by (pid, tid).
std::map<std::pair<int, int>, std::vector<json>> check_format(const json& doc) {
  EXPECT_TRUE(doc.contains("traceEvents"));
  EXPECT_TRUE(doc["traceEvents"].is_array());
  std::map<std::pair<int, int>, std::vector<json>> lanes;
  for (const auto& e : doc["traceEvents"]) {
    EXPECT_TRUE(e["ph"].is_string());
    EXPECT_TRUE(e["pid"].is_number_integer());
    EXPECT_TRUE(e["tid"].is_number_integer());
    if (e["ph"] == "M") {
      EXPECT_TRUE(e["name"] == "thread_name" || e["name"] == "process_name");
      EXPECT_TRUE(e["args"]["name"].is_string());
      continue;
    }
    EXPECT_EQ(e["ph"], "X");
    EXPECT_TRUE(e["name"].is_string());
    EXPECT_TRUE(e["cat"].is_string());
    EXPECT_TRUE(e["ts"].is_number());
    EXPECT_TRUE(e["dur"].is_number());
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    lanes[{e["pid"].get<int>(), e["tid"].get<int>()}].push_back(e);
  }
  return lanes;
}

// Intervals of one category on one lane never overlap: one thing at a time runs there.
void check_no_overlap(const std::map<std::pair<int, int>, std::vector<json>>& lanes) {
  for (const auto& [lane, events] : lanes) {
    std::map<std::string, std::vector<std::pair<double, double>>> by_category;
    for (const auto& e : events) {
      const double ts = e["ts"].get<double>();
      by_category[e["cat"].get<std::string>()].push_back({ts, ts + e["dur"].get<double>()});
    }
    for (auto& [cat, spans] : by_category) {
      std::sort(spans.begin(), spans.end());
      for (std::size_t i = 1; i < spans.size(); ++i) {
        EXPECT_LE(spans[i - 1].second, spans[i].first + 1e-3)
            << "overlap on lane " << lane.first << "/" << lane.second << " in " << cat;
      }
    }
  }
}

}  // namespace

TEST(Tracing, OffRecordsNothingAndStopReturnsZero) {
  EXPECT_FALSE(trace::enabled());
  trace::record(trace::category::user, "ignored", 1, 2);
  EXPECT_EQ(trace::stop(), 0u);
}

TEST(Tracing, StartTwiceIsAnErrorAndABadPathFailsAtStart) {
  EXPECT_THROW(trace::start("/nonexistent-dir/x/trace.json"), braid::os_error);
  const auto path = temp_path("twice");
  trace::start(path);
  EXPECT_THROW(trace::start(path), braid::invalid_state_error);
  trace::stop();
  std::filesystem::remove(path);
}

TEST(Tracing, RecordsThreadPoolLoopAndProcessPoolLanes) {
  const auto path = temp_path("lanes");
  trace::start(path);
  {
    trace::scope outer(trace::category::user, "whole \"test\"");
    braid::futures::thread_pool_executor pool(2);
    std::vector<braid::futures::future<int>> fs;
    for (int i = 0; i < 8; ++i) fs.push_back(pool.submit([i] { return i; }));
    for (auto& f : fs) f.result();
    EXPECT_EQ(braid::asyncio::run(three_tasks()), 3);
    braid::multiprocessing::process_pool_executor processes({.max_workers = 2});
    std::vector<braid::futures::future<std::uint64_t>> squares;
    for (std::uint64_t i = 0; i < 6; ++i) squares.push_back(processes.submit(&square, i));
    for (auto& f : squares) f.result();
  }
  const std::size_t written = trace::stop();
  const json doc = load(path);
  std::filesystem::remove(path);
  const auto lanes = check_format(doc);
  check_no_overlap(lanes);

  std::map<std::string, int> per_category;
  std::set<int> worker_pids;
  std::size_t events = 0;
  for (const auto& [lane, evs] : lanes) {
    for (const auto& e : evs) {
      ++events;
      ++per_category[e["cat"].get<std::string>()];
      if (e["cat"] == "process_pool") worker_pids.insert(lane.first);
    }
  }
  EXPECT_EQ(events, written);
  EXPECT_EQ(per_category["thread_pool"], 8);
  EXPECT_EQ(per_category["process_pool"], 6);
  EXPECT_GE(per_category["asyncio"], 3 * 2);  // each task steps at least twice
  EXPECT_EQ(per_category["user"], 1);
  EXPECT_FALSE(worker_pids.empty());
  EXPECT_EQ(worker_pids.count(::getpid()), 0u);  // the workers' lanes are their own processes
}

TEST(Tracing, RecordsALoopStallTheWatchdogSaw) {
  const auto path = temp_path("stall");
  trace::start(path);
  auto blocker = []() -> braid::asyncio::task<void> {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(30);
    while (std::chrono::steady_clock::now() < until) {
    }  // blocks the loop on purpose: the watchdog must see it
    co_return;
  };
  braid::asyncio::run_options options{.slow_callback_duration = std::chrono::milliseconds(5)};
  braid::asyncio::run(blocker(), options);
  trace::stop();
  const json doc = load(path);
  std::filesystem::remove(path);
  int stalls = 0;
  for (const auto& e : doc["traceEvents"]) {
    if (e.value("cat", "") == "stall") {
      ++stalls;
      EXPECT_GE(e["dur"].get<double>(), 5000.0);  // microseconds
    }
  }
  EXPECT_EQ(stalls, 1);
}
