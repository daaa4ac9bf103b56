#include "recommend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "units.hpp"

namespace braid::tool {
namespace {

const result_row* fastest_of(const std::vector<const result_row*>& rows) {
  return *std::min_element(rows.begin(), rows.end(),
                           [](const auto* a, const auto* b) { return a->m.wall_s < b->m.wall_s; });
}

bool as_fast(const result_row& row, const result_row& fastest) {
  return row.m.wall_s <= fastest.m.wall_s * as_fast_tolerance;
}

/// Among the rows as fast as the fastest, the cheapest: fewest threads, then the simplest
/// (sequential, when nothing else is faster), then least memory.
const result_row* pick_of(const std::vector<const result_row*>& rows) {
  const result_row* fastest = fastest_of(rows);
  const result_row* pick = fastest;
  for (const auto* row : rows) {
    if (!as_fast(*row, *fastest)) continue;
    const auto key = [](const result_row* r) {
      return std::tuple(r->m.threads, r->model != "sequential", r->m.peak_rss_kib, r->m.wall_s);
    };
    if (key(row) < key(pick)) pick = row;
  }
  return pick;
}

/// CPU/wall with enough digits that a waiting workload does not read as exactly 0.
std::string format_parallelism(double p) {
  return p < 0.01 ? fmt::format("{:.3f}", p) : fmt::format("{:.2f}", p);
}

std::string threads_phrase(std::size_t n) {
  return fmt::format("{} thread{}", n, n == 1 ? "" : "s");
}

/// "is 5.31x faster than sequential" or, without a sequential run, "was the fastest (312 ms)".
std::string speed_phrase(const comparison& results, const result_row& row) {
  if (auto s = results.speedup(row)) {
    return fmt::format("is {} faster than sequential", format_factor(*s));
  }
  return fmt::format("was the fastest ({})", format_duration(row.m.wall_s));
}

std::string speedup_in_parens(const comparison& results, const result_row& row) {
  if (auto s = results.speedup(row)) {
    return fmt::format("{}, {}", format_duration(row.m.wall_s), format_factor(*s));
  }
  return format_duration(row.m.wall_s);
}

/// The most cores any threaded model kept busy on average, or 0 if none ran.
double busiest_parallelism(const std::vector<const result_row*>& rows) {
  double most = 0;
  for (const auto* row : rows) {
    if (row->model != "sequential") most = std::max(most, row->m.parallelism());
  }
  return most;
}

std::string sequential_reason(const comparison& results, const workload_summary& work,
                              const result_row& pick, bool waits) {
  if (!waits && results.machine.cores == 1) {
    return "CPU-bound on a machine with 1 core: more threads cannot do the work any faster, "
           "they only take turns.";
  }
  const double most = busiest_parallelism(results.rows_of(work.name));
  const double task_s = work.tasks > 0 ? pick.m.wall_s / static_cast<double>(work.tasks) : 0;
  if (!waits && most > 0 && most < crowded_threshold && task_s >= long_task_s) {
    return fmt::format(
        "CPU-bound, but no model kept more than {:.2f} cores busy on average although the machine "
        "has {}: other programs were probably using the rest, so the threads could only take "
        "turns. Run again on a quieter machine to see the speedup.",
        most, results.machine.cores);
  }
  return fmt::format(
      "no model was more than {:.0f}% faster than running the {} tasks one after another ({} in "
      "all): the tasks are too short or too few for extra threads to pay for themselves.",
      (as_fast_tolerance - 1) * 100, work.tasks, format_duration(pick.m.wall_s));
}

/// " (CPU/wall = 0.99 when run one after another)", or nothing without a sequential run.
std::string measured_phrase(const result_row* base) {
  if (base == nullptr) return "";
  return fmt::format(" (CPU/wall = {} when run one after another)",
                     format_parallelism(base->m.parallelism()));
}

std::string main_reason(const comparison& results, const result_row& pick, bool waits) {
  const std::string measured = measured_phrase(results.baseline(pick.workload));
  if (waits) {
    return fmt::format(
        "I/O-bound: the tasks spend their time waiting{}, so running the waits at the same time "
        "pays off: {} {} with {}.",
        measured, pick.model, speed_phrase(results, pick), threads_phrase(pick.m.threads));
  }
  return fmt::format(
      "CPU-bound: the tasks keep a core busy{}, so the speedup is capped by the {} core{}: {} {} "
      "with {}.",
      measured, results.machine.cores, results.machine.cores == 1 ? "" : "s", pick.model,
      speed_phrase(results, pick), threads_phrase(pick.m.threads));
}

/// Models whose tasks are coroutines on event loops: every wait overlaps whatever the thread
/// count, so "too few threads" never explains them.
bool loop_model(std::string_view model) {
  return model.starts_with("asyncio") || model == "run_sharded";
}

/// Why `other` (neither the pick nor sequential) was not recommended.
std::string note_on(const comparison& results, const workload_summary& work, const result_row& pick,
                    const result_row& fastest, const result_row& other, bool waits) {
  if (as_fast(other, fastest)) {
    std::string note = fmt::format("{} is about as fast ({}) but needs {} against {}", other.model,
                                   speedup_in_parens(results, other),
                                   threads_phrase(other.m.threads), pick.m.threads);
    if (other.m.peak_rss_kib > pick.m.peak_rss_kib) {
      note += fmt::format(" and {} of memory at peak against {}",
                          format_memory(other.m.peak_rss_kib), format_memory(pick.m.peak_rss_kib));
    }
    if (!waits && other.m.threads > results.machine.cores) {
      note += fmt::format("; threads beyond the {} cores only take turns", results.machine.cores);
    }
    return note + ".";
  }
  const result_row* base = results.baseline(work.name);
  if (waits && loop_model(other.model) && base != nullptr && base->m.parallelism() >= 0.2) {
    return fmt::format(
        "{} is slower ({}) because the computing between the waits runs on its loop{} ({}), "
        "holding up the other tasks meanwhile.",
        other.model, speedup_in_parens(results, other),
        other.model == "run_sharded" ? "s" : "'s thread", threads_phrase(other.m.threads));
  }
  if (waits && !loop_model(other.model) && other.m.threads < work.tasks) {
    std::string note =
        fmt::format("{} is slower ({}) because its {} let only {} of the {} waits overlap",
                    other.model, speedup_in_parens(results, other), threads_phrase(other.m.threads),
                    other.m.threads, work.tasks);
    if (other.model == "thread_pool") {
      note += fmt::format(
          " (thread_pool_executor's default max_workers is min(32, cores + 4) = {}; pass a "
          "larger max_workers for waiting work)",
          results.machine.pool_max_workers);
    }
    return note + ".";
  }
  return fmt::format("{} is slower ({}).", other.model, speedup_in_parens(results, other));
}

}  // namespace

recommendation recommend(const comparison& results, const workload_summary& work) {
  const auto rows = results.rows_of(work.name);
  if (rows.empty()) return {work.name, "", "nothing was measured."};
  const result_row* fastest = fastest_of(rows);
  const result_row* pick = pick_of(rows);
  const result_row* base = results.baseline(work.name);
  const bool waits =
      base ? base->m.parallelism() < waiting_threshold : work.kind == workload_kind::io;

  if (pick->model == "sequential") {
    return {work.name, pick->model, sequential_reason(results, work, *pick, waits)};
  }
  std::string reason = main_reason(results, *pick, waits);
  for (const auto* row : rows) {
    if (row == pick || row->model == "sequential") continue;
    reason += ' ';
    reason += note_on(results, work, *pick, *fastest, *row, waits);
  }
  return {work.name, pick->model, reason};
}

std::vector<recommendation> recommend_all(const comparison& results) {
  std::vector<recommendation> out;
  out.reserve(results.workloads.size());
  for (const auto& work : results.workloads) out.push_back(recommend(results, work));
  return out;
}

}  // namespace braid::tool
