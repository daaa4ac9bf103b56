#include "compare.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "braid/futures/thread_pool_executor.hpp"
#include "measure.hpp"
#include "model.hpp"
#include "recommend.hpp"
#include "report.hpp"

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
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_seconds();
  const model_result result = how->run(work);
  const double cpu_end = process_cpu_seconds();
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;

  const nlohmann::ordered_json out = {{"wall_s", wall.count()},
                                      {"cpu_s", cpu_end - cpu_start},
                                      {"threads", result.threads},
                                      {"checksum", result.checksum},
                                      {"baseline_rss_kib", baseline_rss},
                                      {"processes", result.processes},
                                      {"worker_peak_rss_kib", children_peak_rss_kib()}};
  fmt::print("{}\n", out.dump());
}

/// Parent side: run one pair in a fresh process.
measurement run_pair_isolated(const workload_entry& entry, const model& how,
                              const compare_options& options) {
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
  const child_output child = run_isolated(args);
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

}  // namespace

comparison run_comparison(const compare_options& options,
                          void (*on_progress)(const std::string& what)) {
  if (options.repeat < 1) throw std::invalid_argument("--repeat must be at least 1");
  const auto workloads = select(workload_registry(), options.workloads, "workload");
  const auto models = select(model_registry(), options.models, "model");

  comparison results;
  results.machine = {.cores = std::max(1u, std::thread::hardware_concurrency()),
                     .pool_max_workers = futures::thread_pool_executor::default_max_workers(),
                     .repeat = options.repeat};
  for (const auto* entry : workloads) {
    const workload work = entry->make(options.work);
    results.workloads.push_back({work.name, work.kind, work.description, work.tasks});
    for (const auto* how : models) {
      std::vector<measurement> runs;
      for (int i = 0; i < options.repeat; ++i) {
        if (on_progress != nullptr) {
          on_progress(
              fmt::format("{} / {} ({} of {})", entry->name, how->name, i + 1, options.repeat));
        }
        runs.push_back(run_pair_isolated(*entry, *how, options));
      }
      results.rows.push_back({work.name, std::string(how->name), median(runs)});
    }
    check_checksums(results, work.name);
  }
  return results;
}

int run_compare(const compare_options& options) {
  try {
    if (!options.run_one.empty()) {
      run_pair_here(options);
      return 0;
    }
    const bool progress = !options.json && ::isatty(STDERR_FILENO) == 1;
    const comparison results = run_comparison(options, progress ? &show_progress : nullptr);
    if (progress) fmt::print(stderr, "\r\033[K");
    const auto advice = recommend_all(results);
    fmt::print("{}", options.json ? format_json(results, advice) : format_report(results, advice));
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "\nbraid compare: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace braid::tool
