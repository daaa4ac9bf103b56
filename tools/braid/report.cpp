#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "model.hpp"
#include "units.hpp"

namespace braid::tool {
namespace {

std::size_t widest(const comparison& results, std::string result_row::*field, std::size_t least) {
  std::size_t width = least;
  for (const auto& row : results.rows) width = std::max(width, (row.*field).size());
  return width;
}

std::string speedup_cell(const comparison& results, const result_row& row) {
  auto s = results.speedup(row);
  return s ? format_factor(*s) : "-";
}

std::string intro(const comparison& results) {
  std::string out =
      "braid compare: the same tasks run under each concurrency model, to show which model "
      "suits which kind of work.\n\nModels\n";
  std::size_t width = 0;
  for (const auto& m : model_registry()) width = std::max(width, m.name.size());
  for (const auto& m : model_registry()) {
    if (std::none_of(results.rows.begin(), results.rows.end(),
                     [&](const result_row& r) { return r.model == m.name; })) {
      continue;
    }
    out += fmt::format("  {:<{}}  {}\n", m.name, width, m.help);
  }
  out += "\nWorkloads\n";
  width = 0;
  for (const auto& w : results.workloads) width = std::max(width, w.name.size());
  for (const auto& w : results.workloads) {
    out += fmt::format("  {:<{}}  {}\n", w.name, width, w.description);
  }
  out += fmt::format(
      "\nMachine: {} core{}, so thread_pool runs up to {} tasks at once (max_workers = "
      "min(32, cores + 4)).\nEach pair ran {} time{}, each time in a fresh process; the median is "
      "shown.\n",
      results.machine.cores, results.machine.cores == 1 ? "" : "s",
      results.machine.pool_max_workers, results.machine.repeat,
      results.machine.repeat == 1 ? "" : "s");
  return out;
}

std::string legend(const comparison& results) {
  std::int64_t baseline = std::numeric_limits<std::int64_t>::max();
  for (const auto& row : results.rows) baseline = std::min(baseline, row.m.baseline_rss_kib);
  std::string out =
      "Columns: wall = elapsed time. CPU = processor time of all threads together. CPU/wall = "
      "how many cores were busy on average (about 0 for waiting, up to the number of cores). "
      "speedup = sequential wall time / this wall time. threads = threads that ran tasks. peak "
      "RSS = the most memory the process held";
  if (!results.rows.empty()) {
    out += fmt::format(", of which about {} is the program itself before any task runs",
                       format_memory(baseline));
  }
  return wrap(out + ".", 0);
}

}  // namespace

std::string format_table(const comparison& results) {
  const std::size_t w_width = widest(results, &result_row::workload, 8);
  const std::size_t m_width = widest(results, &result_row::model, 5);
  std::string out = fmt::format("  {:<{}}  {:<{}}  {:>9}  {:>9}  {:>8}  {:>7}  {:>7}  {:>9}\n",
                                "workload", w_width, "model", m_width, "wall", "CPU", "CPU/wall",
                                "speedup", "threads", "peak RSS");
  for (const auto& row : results.rows) {
    out +=
        fmt::format("  {:<{}}  {:<{}}  {:>9}  {:>9}  {:>8.2f}  {:>7}  {:>7}  {:>9}\n", row.workload,
                    w_width, row.model, m_width, format_duration(row.m.wall_s),
                    format_duration(row.m.cpu_s), row.m.parallelism(), speedup_cell(results, row),
                    row.m.threads, format_memory(row.m.peak_rss_kib));
  }
  return out;
}

std::string format_plot(const comparison& results, std::size_t width) {
  const std::size_t w_width = widest(results, &result_row::workload, 0);
  const std::size_t m_width = widest(results, &result_row::model, 0);
  std::string out;
  for (const auto& work : results.workloads) {
    const auto rows = results.rows_of(work.name);
    double slowest = 0;
    for (const auto* row : rows) slowest = std::max(slowest, row->m.wall_s);
    bool first = true;
    for (const auto* row : rows) {
      const double share = slowest > 0 ? row->m.wall_s / slowest : 0;
      auto bar = static_cast<std::size_t>(std::lround(share * static_cast<double>(width)));
      if (bar == 0 && row->m.wall_s > 0) bar = 1;  // visible, however short
      out +=
          fmt::format("  {:<{}}  {:<{}}  {:<{}} {}\n", first ? work.name : "", w_width, row->model,
                      m_width, std::string(bar, '#'), width, format_duration(row->m.wall_s));
      first = false;
    }
  }
  return out;
}

std::string wrap(const std::string& text, std::size_t indent, std::size_t columns) {
  std::istringstream words(text);
  std::string word;
  std::string out;
  std::string line;
  const std::string margin(indent, ' ');
  while (words >> word) {
    if (!line.empty() && margin.size() + line.size() + 1 + word.size() > columns) {
      out += margin + line + '\n';
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
  }
  if (!line.empty()) out += margin + line + '\n';
  return out;
}

std::string format_report(const comparison& results, std::span<const recommendation> advice) {
  std::string out = intro(results);
  out += "\nResults\n" + format_table(results);
  out += "\nWall time (shorter is faster)\n" + format_plot(results);
  out += "\nRecommendation\n";
  for (const auto& a : advice) {
    out += fmt::format("  {}: {}\n", a.workload, a.model.empty() ? "-" : a.model);
    out += wrap(a.reason, 4);
  }
  return out + '\n' + legend(results);
}

std::string format_json(const comparison& results, std::span<const recommendation> advice) {
  using json = nlohmann::ordered_json;
  json doc;
  doc["machine"] = {{"cores", results.machine.cores},
                    {"pool_max_workers", results.machine.pool_max_workers},
                    {"repeat", results.machine.repeat}};
  doc["workloads"] = json::array();
  for (const auto& w : results.workloads) {
    doc["workloads"].push_back({{"name", w.name},
                                {"kind", std::string(to_string(w.kind))},
                                {"tasks", w.tasks},
                                {"description", w.description}});
  }
  doc["results"] = json::array();
  for (const auto& row : results.rows) {
    const auto s = results.speedup(row);
    doc["results"].push_back({{"workload", row.workload},
                              {"model", row.model},
                              {"wall_s", row.m.wall_s},
                              {"cpu_s", row.m.cpu_s},
                              {"parallelism", row.m.parallelism()},
                              {"speedup", s ? json(*s) : json(nullptr)},
                              {"threads", row.m.threads},
                              {"peak_rss_kib", row.m.peak_rss_kib},
                              {"baseline_rss_kib", row.m.baseline_rss_kib},
                              {"checksum", row.m.checksum}});
  }
  doc["recommendations"] = json::array();
  for (const auto& a : advice) {
    doc["recommendations"].push_back(
        {{"workload", a.workload}, {"model", a.model}, {"reason", a.reason}});
  }
  return doc.dump(2) + '\n';
}

}  // namespace braid::tool
