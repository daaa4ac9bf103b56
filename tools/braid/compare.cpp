#include "compare.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "braid/futures/thread_pool_executor.hpp"
#include "braid/trace/tracing.hpp"
#include "html_report.hpp"
#include "machine.hpp"
#include "measure.hpp"
#include "model.hpp"
#include "recommend.hpp"
#include "report.hpp"
#include "sweep.hpp"
#include "trace_view.hpp"

namespace braid::tool {
namespace {

template <class Entry>
std::vector<const Entry*> select(const std::vector<Entry>& registry,
                                 const std::vector<std::string>& names, const char* what) {
  for (const auto& name : names) {
    const bool known = std::any_of(registry.begin(), registry.end(),
                                   [&](const Entry& e) { return e.name == name; });
    if (!known) throw std::invalid_argument(fmt::format("unknown {} '{}'", what, name));
  }
  std::vector<const Entry*> out;
  for (const auto& entry : registry) {
    if (names.empty() || std::find(names.begin(), names.end(), entry.name) != names.end()) {
      out.push_back(&entry);
    }
  }
  return out;
}

/// Child mode: run one pair here and print {"wall_s", "cpu_s", ...} on stdout.
void run_pair_here(const compare_options& options) {
  const workload_entry* entry = find_workload(options.run_one.at(0));
  const model* how = find_model(options.run_one.at(1));
  if (entry == nullptr || how == nullptr) {
    throw std::invalid_argument("--run-one: unknown workload or model");
  }
  const workload work = entry->make(options.work);

  const std::int64_t baseline_rss = process_peak_rss_kib();
  if (!options.child_trace.empty()) trace::start(options.child_trace);
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  const model_result result = how->run(work);
  const double cpu_end = process_cpu_seconds();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  if (!options.child_trace.empty()) trace::stop();

  const nlohmann::ordered_json out = {{"wall_s", wall.count()},
                                      {"cpu_s", cpu_end - cpu_start},
                                      {"threads", result.threads},
                                      {"checksum", result.checksum},
                                      {"baseline_rss_kib", baseline_rss},
                                      {"processes", result.processes},
                                      {"worker_peak_rss_kib", children_peak_rss_kib()}};
  fmt::print("{}\n", out.dump());
}

/// The traces of every pair's first run, merged into one Chrome trace file in run order.
struct trace_merger {
  nlohmann::json events = nlohmann::json::array();
  double offset_us = 0;  // where the next pair's events start

  void add(const std::string& child_file, const std::string& label) {
    std::ifstream in(child_file);
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded() || !doc.contains("traceEvents")) return;
    double end = 0;
    for (auto e : doc["traceEvents"]) {
      if (e.value("ph", "") == "M" && e.value("name", "") == "process_name" &&
          e.value("tid", 0) == 0 && e["args"].value("name", "").starts_with("braid ")) {
        e["args"]["name"] = label;  // the child's process, named after its pair
      }
      if (e.contains("ts")) {
        end = std::max(end, e["ts"].get<double>() + e.value("dur", 0.0));
        e["ts"] = e["ts"].get<double>() + offset_us;
      }
      events.push_back(std::move(e));
    }
    offset_us += end + 1000;  // a millisecond's gap between pairs
  }
};

/// Parent side: run one pair in a fresh process; with `trace_into`, trace that run and keep its
/// timeline in `timeline`.
measurement run_pair_isolated(const workload_entry& entry, const model& how,
                              const compare_options& options, trace_merger* trace_into = nullptr,
                              std::vector<svg::span>* timeline = nullptr) {
  std::vector<std::string> args{"braid", "compare", "--run-one"};
  args.emplace_back(entry.name);
  args.emplace_back(how.name);
  args.insert(args.end(), {"--io-latency", std::to_string(options.work.io_latency.count())});
  if (options.work.tasks != 0) {
    args.insert(args.end(), {"--tasks", std::to_string(options.work.tasks)});
  }
  if (options.work.cpu_size != 0) {
    args.insert(args.end(), {"--cpu-size", std::to_string(options.work.cpu_size)});
  }
  if (options.work.factorial_n != 0) {
    args.insert(args.end(), {"--factorial-n", std::to_string(options.work.factorial_n)});
  }
  if (options.work.file_size_kib != 0) {
    args.insert(args.end(), {"--file-size", std::to_string(options.work.file_size_kib)});
  }
  std::string trace_file;
  if (trace_into != nullptr) {
    trace_file = (std::filesystem::temp_directory_path() /
                  fmt::format("braid-compare-{}-{}-{}.json", ::getpid(), entry.name, how.name))
                     .string();
    args.insert(args.end(), {"--child-trace", trace_file});
  }
  const child_output child = run_isolated(args);
  if (trace_into != nullptr) {
    try {
      *timeline = read_trace(trace_file);
    } catch (const std::exception&) {
      // A run that recorded nothing (no task ran) has no timeline to show.
    }
    trace_into->add(trace_file, fmt::format("{} / {}", entry.name, how.name));
    std::filesystem::remove(trace_file);
  }
  const auto doc = nlohmann::json::parse(child.out);
  // Worker processes hold memory too: count each at the largest worker's peak (an upper bound;
  // the kernel reports only the largest reaped child's peak).
  const auto processes = static_cast<std::int64_t>(doc.at("processes").get<std::size_t>());
  const std::int64_t workers_rss = processes * doc.at("worker_peak_rss_kib").get<std::int64_t>();
  return {.wall_s = doc.at("wall_s").get<double>(),
          .cpu_s = doc.at("cpu_s").get<double>(),
          .peak_rss_kib = child.peak_rss_kib + workers_rss,
          .baseline_rss_kib = doc.at("baseline_rss_kib").get<std::int64_t>(),
          .threads = doc.at("threads").get<std::size_t>(),
          .checksum = doc.at("checksum").get<std::uint64_t>()};
}

void check_checksums(const comparison& results, const std::string& workload) {
  const auto rows = results.rows_of(workload);
  for (const auto* row : rows) {
    if (row->m.checksum != rows.front()->m.checksum) {
      throw std::runtime_error(fmt::format(
          "workload '{}': models disagree on the result ({} gives {}, {} gives {})", workload,
          rows.front()->model, rows.front()->m.checksum, row->model, row->m.checksum));
    }
  }
}

void show_progress(const std::string& what) {
  fmt::print(stderr, "\r\033[Kmeasuring {} ...", what);
  std::fflush(stderr);
}

/// --report and --svg, for a run or a sweep (whose last point's results the workload charts show).
void write_pictures(const compare_options& options, const comparison& results,
                    std::span<const recommendation> advice, const sweep_result* sweep) {
  if (!options.report_file.empty()) {
    write_text_file(options.report_file, format_html(results, advice, sweep));
    fmt::print(stderr, "wrote {}\n", options.report_file);
  }
  if (!options.svg_dir.empty()) {
    std::filesystem::create_directories(options.svg_dir);
    for (const auto& chart : report_charts(results, advice, sweep)) {
      write_text_file((std::filesystem::path(options.svg_dir) / (chart.name + ".svg")).string(),
                      chart.svg);
    }
    fmt::print(stderr, "wrote the charts to {}\n", options.svg_dir);
  }
}

int run_sweep(const compare_options& options, bool progress) {
  const sweep_spec spec = parse_sweep(options.sweep);
  sweep_result sweep{spec.parameter, {}};
  for (double value : spec.values) {
    compare_options one = options;
    one.work = with_value(options.work, spec.parameter, value);
    // Only the last point is traced: its timelines are the ones the report shows.
    if (value != spec.values.back())
      one.trace_file.clear(), one.report_file.clear(), one.svg_dir.clear();
    sweep_point point{value, run_comparison(one, progress ? &show_progress : nullptr), {}};
    point.advice = recommend_all(point.results);
    sweep.points.push_back(std::move(point));
  }
  if (progress) fmt::print(stderr, "\r\033[K");
  const auto& last = sweep.points.back();
  if (options.json) {
    nlohmann::ordered_json doc;
    doc["parameter"] = sweep.parameter;
    doc["points"] = nlohmann::ordered_json::array();
    for (const auto& p : sweep.points) {
      auto one = nlohmann::ordered_json::parse(format_json(p.results, p.advice));
      doc["points"].push_back({{"value", p.value}, {"comparison", std::move(one)}});
    }
    doc["crossovers"] = nlohmann::ordered_json::array();
    for (const auto& c : crossovers(sweep)) {
      doc["crossovers"].push_back({{"workload", c.workload},
                                   {"before", c.before},
                                   {"after", c.after},
                                   {"from", c.from_model},
                                   {"to", c.to_model}});
    }
    fmt::print("{}\n", doc.dump(2));
  } else {
    fmt::print("{}", format_sweep(sweep));
  }
  write_pictures(options, last.results, last.advice, &sweep);
  return 0;
}

}  // namespace

comparison run_comparison(const compare_options& options,
                          void (*on_progress)(const std::string& what)) {
  if (options.repeat < 1) throw std::invalid_argument("--repeat must be at least 1");
  const auto workloads = select(workload_registry(), options.workloads, "workload");
  const auto models = select(model_registry(), options.models, "model");

  comparison results;
  results.machine.repeat = options.repeat;
  describe_machine(results.machine);
  trace_merger merged;
  const bool tracing = wants_trace(options);
  for (const auto* entry : workloads) {
    const workload work = entry->make(options.work);
    results.workloads.push_back({work.name, work.kind, work.description, work.tasks});
    for (const auto* how : models) {
      std::vector<measurement> runs;
      std::vector<svg::span> timeline;
      for (int i = 0; i < options.repeat; ++i) {
        if (on_progress != nullptr) {
          on_progress(
              fmt::format("{} / {} ({} of {})", entry->name, how->name, i + 1, options.repeat));
        }
        const bool traced = tracing && i == 0;
        runs.push_back(run_pair_isolated(*entry, *how, options, traced ? &merged : nullptr,
                                         traced ? &timeline : nullptr));
      }
      results.rows.push_back(
          {work.name, std::string(how->name), median(runs), std::move(timeline)});
    }
    check_checksums(results, work.name);
  }
  if (!options.trace_file.empty()) {
    const nlohmann::json doc = {{"displayTimeUnit", "ms"},
                                {"otherData", {{"producer", "braid compare"}}},
                                {"traceEvents", std::move(merged.events)}};
    write_text_file(options.trace_file, doc.dump() + "\n");
  }
  return results;
}

bool wants_trace(const compare_options& options) noexcept {
  return !options.trace_file.empty() || !options.report_file.empty() || !options.svg_dir.empty();
}

int run_compare(const compare_options& options) {
  try {
    if (!options.run_one.empty()) {
      run_pair_here(options);
      return 0;
    }
    const bool progress = ::isatty(STDERR_FILENO) == 1;
    if (!options.sweep.empty()) return run_sweep(options, progress);
    const comparison results = run_comparison(options, progress ? &show_progress : nullptr);
    if (progress) fmt::print(stderr, "\r\033[K");
    const auto advice = recommend_all(results);
    fmt::print("{}", options.json ? format_json(results, advice) : format_report(results, advice));
    std::fflush(stdout);  // the report first, then what write_pictures says on stderr
    write_pictures(options, results, advice, nullptr);
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "\nbraid compare: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace braid::tool
