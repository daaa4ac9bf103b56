#pragma once
/// \file
/// The results of `braid compare`: what was measured, and on what machine. Plain data, filled by
/// compare.cpp (or by hand in tests), read by recommend.cpp and report.cpp.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "measure.hpp"
#include "svg.hpp"
#include "workload.hpp"

namespace braid::tool {

/// Facts about the machine and the run that the numbers depend on.
struct machine_facts {
  unsigned cores = 1;
  std::size_t pool_max_workers = 1;  ///< thread_pool_executor::default_max_workers()
  int repeat = 1;                    ///< runs per pair; the median is reported
  std::string cpu_model;             ///< /proc/cpuinfo's "model name"
  std::string kernel;                ///< uname's sysname and release
  std::int64_t memory_kib = 0;       ///< MemTotal
};

/// A workload as it was run.
struct workload_summary {
  std::string name;
  workload_kind kind = workload_kind::cpu;
  std::string description;
  std::size_t tasks = 0;
};

/// The median measurement of one (workload, model) pair.
struct result_row {
  std::string workload;
  std::string model;
  measurement m;
  /// The first run's trace (empty unless tracing was asked for): what ran on which lane.
  std::vector<svg::span> timeline;
};

/// Everything a report needs. Rows are grouped by workload, in registry order.
struct comparison {
  machine_facts machine;
  std::vector<workload_summary> workloads;
  std::vector<result_row> rows;

  /// The rows of `workload`, in model order.
  [[nodiscard]] std::vector<const result_row*> rows_of(std::string_view workload) const {
    std::vector<const result_row*> out;
    for (const auto& row : rows) {
      if (row.workload == workload) out.push_back(&row);
    }
    return out;
  }

  /// The sequential row of `workload`, the baseline for speedups; nullptr if it was not run.
  [[nodiscard]] const result_row* baseline(std::string_view workload) const noexcept {
    for (const auto& row : rows) {
      if (row.workload == workload && row.model == "sequential") return &row;
    }
    return nullptr;
  }

  /// Sequential wall time over `row`'s; empty if there is no sequential row or a zero time.
  [[nodiscard]] std::optional<double> speedup(const result_row& row) const noexcept {
    const result_row* base = baseline(row.workload);
    if (base == nullptr || row.m.wall_s <= 0) return std::nullopt;
    return base->m.wall_s / row.m.wall_s;
  }
};

}  // namespace braid::tool
