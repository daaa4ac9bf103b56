#include "html_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "units.hpp"

namespace braid::tool {
namespace {

std::string recommended_model(std::span<const recommendation> advice, const std::string& w) {
  for (const auto& a : advice) {
    if (a.workload == w) return a.model;
  }
  return {};
}

std::vector<named_chart> workload_charts(const comparison& results,
                                         std::span<const recommendation> advice,
                                         const workload_summary& w) {
  const std::string best = recommended_model(advice, w.name);
  std::vector<svg::bar> wall, memory, cpu;
  for (const auto* row : results.rows_of(w.name)) {
    const bool hi = row->model == best;
    wall.push_back({row->model, row->m.wall_s, format_duration(row->m.wall_s), hi});
    memory.push_back({row->model, static_cast<double>(row->m.peak_rss_kib),
                      format_memory(row->m.peak_rss_kib), hi});
    cpu.push_back(
        {row->model, row->m.parallelism(), fmt::format("{:.2f}", row->m.parallelism()), hi});
  }
  std::vector<named_chart> out;
  out.push_back({"wall-" + w.name,
                 svg::bar_chart("Wall time: " + w.name + " (shorter is faster)", "wall_s", wall)});
  out.push_back({"cpu-" + w.name, svg::bar_chart("Cores busy (CPU time / wall time): " + w.name,
                                                 "parallelism", cpu)});
  out.push_back(
      {"memory-" + w.name, svg::bar_chart("Peak memory: " + w.name, "peak_rss_kib", memory)});
  for (const auto* row : results.rows_of(w.name)) {
    if (row->timeline.empty()) continue;
    out.push_back({"timeline-" + w.name + "-" + row->model,
                   svg::timeline("Timeline: " + w.name + " under " + row->model, row->timeline)});
  }
  return out;
}

std::vector<named_chart> sweep_charts(const sweep_result& sweep) {
  std::vector<named_chart> out;
  if (sweep.points.empty()) return out;
  std::vector<double> x;
  for (const auto& p : sweep.points) x.push_back(p.value);
  const auto changes = crossovers(sweep);
  const auto& first = sweep.points.front().results;
  for (const auto& w : first.workloads) {
    std::vector<svg::curve> curves;
    for (const auto* row : first.rows_of(w.name)) {
      curves.push_back({row->model, wall_series(sweep, w.name, row->model)});
    }
    double marker = std::numeric_limits<double>::quiet_NaN();
    for (const auto& c : changes) {
      if (c.workload == w.name) {
        marker = c.after;
        break;
      }
    }
    out.push_back(
        {"sweep-" + w.name, svg::line_chart("Wall time as " + sweep.parameter + " grows: " + w.name,
                                            sweep.parameter, "wall time (s)", x, curves, marker)});
  }
  return out;
}

constexpr const char* style = R"(<style>
body { font-family: sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1em 0; } td, th { padding: 0.25em 0.8em; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.advice { background: #eef7f2; border-left: 4px solid #009E73; padding: 0.6em 1em; }
figure { margin: 1em 0; } .facts td { text-align: left; }
</style>)";

}  // namespace

std::vector<named_chart> report_charts(const comparison& results,
                                       std::span<const recommendation> advice,
                                       const sweep_result* sweep) {
  std::vector<named_chart> out;
  for (const auto& w : results.workloads) {
    auto charts = workload_charts(results, advice, w);
    out.insert(out.end(), charts.begin(), charts.end());
  }
  if (sweep != nullptr) {
    auto charts = sweep_charts(*sweep);
    out.insert(out.end(), charts.begin(), charts.end());
  }
  return out;
}

std::string format_html(const comparison& results, std::span<const recommendation> advice,
                        const sweep_result* sweep) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>braid compare report</title>\n";
  out += style;
  out += "</head><body>\n<h1>braid compare</h1>\n";
  const auto& m = results.machine;
  out += fmt::format(
      "<table class=\"facts\" id=\"machine\"><tr><td>Machine</td><td>{} cores, {}</td></tr>"
      "<tr><td>Memory</td><td>{}</td></tr><tr><td>Kernel</td><td>{}</td></tr>"
      "<tr><td>Thread pool</td><td>{} workers by default</td></tr>"
      "<tr><td>Runs per pair</td><td>{} (the median is shown)</td></tr></table>\n",
      m.cores, svg::escape(m.cpu_model.empty() ? "unknown CPU" : m.cpu_model),
      format_memory(m.memory_kib), svg::escape(m.kernel), m.pool_max_workers, m.repeat);
  out += "<h2>Recommendations</h2>\n<ul id=\"recommendations\">\n";
  for (const auto& a : advice) {
    out += fmt::format("<li data-workload=\"{0}\"><b>{0}</b>: {1} &mdash; {2}</li>\n",
                       svg::escape(a.workload), svg::escape(a.model.empty() ? "-" : a.model),
                       svg::escape(a.reason));
  }
  out += "</ul>\n";
  for (const auto& w : results.workloads) {
    out +=
        fmt::format("<section class=\"workload\" data-workload=\"{0}\"><h2>{0}</h2>\n<p>{1}</p>\n",
                    svg::escape(w.name), svg::escape(w.description));
    for (const auto& a : advice) {
      if (a.workload == w.name) {
        out += fmt::format("<p class=\"advice\">Use <b>{}</b>. {}</p>\n",
                           svg::escape(a.model.empty() ? "-" : a.model), svg::escape(a.reason));
      }
    }
    out +=
        "<table><tr><th>model</th><th>wall</th><th>CPU</th><th>CPU/wall</th><th>speedup</th>"
        "<th>threads</th><th>peak memory</th></tr>\n";
    for (const auto* row : results.rows_of(w.name)) {
      const auto s = results.speedup(*row);
      out += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td><td>{}</td><td>{}</td>"
          "</tr>\n",
          svg::escape(row->model), format_duration(row->m.wall_s), format_duration(row->m.cpu_s),
          row->m.parallelism(), s ? format_factor(*s) : "-", row->m.threads,
          format_memory(row->m.peak_rss_kib));
    }
    out += "</table>\n";
    for (const auto& chart : workload_charts(results, advice, w)) {
      out += "<figure>" + chart.svg + "</figure>\n";
    }
    out += "</section>\n";
  }
  if (sweep != nullptr && !sweep->points.empty()) {
    out +=
        fmt::format("<section id=\"sweep\"><h2>Sweep of {}</h2>\n", svg::escape(sweep->parameter));
    const auto changes = crossovers(*sweep);
    for (const auto& c : changes) {
      out += fmt::format(
          "<p class=\"advice\">{}: the recommendation changes from <b>{}</b> to <b>{}</b> between "
          "{}={:g} and {:g}.</p>\n",
          svg::escape(c.workload), svg::escape(c.from_model), svg::escape(c.to_model),
          svg::escape(sweep->parameter), c.before, c.after);
    }
    if (changes.empty()) out += "<p>The recommended model is the same at every value.</p>\n";
    for (const auto& chart : sweep_charts(*sweep)) {
      out += "<figure>" + chart.svg + "</figure>\n";
    }
    out += "</section>\n";
  }
  out +=
      "<p>Made by <code>braid compare</code>. Wall time moves by tens of percent between runs "
      "on a busy machine; CPU time is steadier.</p>\n</body></html>\n";
  return out;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace braid::tool
