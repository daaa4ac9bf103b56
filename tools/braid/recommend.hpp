#pragma once
/// \file
/// Which model `braid compare` recommends for a workload, and why, derived from the measurements.

#include <string>
#include <vector>

#include "results.hpp"

namespace braid::tool {

/// The model to use for a workload, with the reason in one or two sentences.
struct recommendation {
  std::string workload;
  std::string model;  ///< empty if the workload has no measurements
  std::string reason;
};

/// Models within this factor of the fastest wall time count as "as fast"; among them the one
/// with the fewest threads (then the least memory) is recommended.
inline constexpr double as_fast_tolerance = 1.10;

/// A workload whose sequential run keeps the CPU busy less than this fraction of the time is
/// called I/O-bound (it mostly waits); otherwise CPU-bound.
inline constexpr double waiting_threshold = 0.5;

/// A CPU-bound workload whose threaded models never keep more than this many cores busy on a
/// machine with more cores was crowded out by other programs.
inline constexpr double crowded_threshold = 1.3;

/// A task that takes at least this long on its own (seconds) is long enough for threads to pay off.
inline constexpr double long_task_s = 0.005;

/// The recommendation for `work` from `results`' rows of it. Throws std::bad_alloc.
recommendation recommend(const comparison& results, const workload_summary& work);

/// One recommendation per workload, in workload order. Throws std::bad_alloc.
std::vector<recommendation> recommend_all(const comparison& results);

}  // namespace braid::tool
