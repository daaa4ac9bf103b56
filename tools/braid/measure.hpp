#pragma once
/// \file
/// Measuring one run of a (workload, model) pair: wall time, CPU time, peak memory.
///
/// Peak memory (ru_maxrss) is a process-lifetime high-water mark, so it cannot be measured per
/// run inside one process. `braid compare` therefore runs every pair in a fresh child process
/// (run_isolated: /proc/self/exe with a hidden `--run-one` option) which measures wall and CPU
/// time around the run and prints them as JSON; the parent reads the child's peak RSS from
/// wait4(). Spawning also keeps runs from disturbing each other (no warm pool, no grown heap).

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace braid::tool {

/// One run of a pair, or the median of several.
struct measurement {
  double wall_s = 0;                  ///< elapsed time of the run
  double cpu_s = 0;                   ///< CPU time of the whole process (all threads) in the run
  std::int64_t peak_rss_kib = 0;      ///< highest resident memory of the child process
  std::int64_t baseline_rss_kib = 0;  ///< resident memory of the child just before the run
  std::size_t threads = 0;            ///< threads that ran tasks
  std::uint64_t checksum = 0;         ///< the model's checksum (equal across models)

  /// CPU time over wall time: about how many cores were busy on average. 0 if wall_s is 0.
  [[nodiscard]] double parallelism() const noexcept { return wall_s > 0 ? cpu_s / wall_s : 0; }
};

/// Seconds of CPU time this process has used so far, all threads together. Never throws.
double process_cpu_seconds() noexcept;

/// The largest peak resident memory among this process's reaped children, in KiB. Never throws.
std::int64_t children_peak_rss_kib() noexcept;

/// This process's peak resident memory so far, in KiB. Never throws.
std::int64_t process_peak_rss_kib() noexcept;

/// Field-wise median of `runs` (the mean of the two middle values for an even count); the
/// checksum is the first run's. Throws std::invalid_argument if `runs` is empty.
measurement median(std::span<const measurement> runs);

/// What a child process printed on stdout and its peak RSS.
struct child_output {
  std::string out;
  std::int64_t peak_rss_kib = 0;
};

/// Runs this executable again (/proc/self/exe) with `args` (args[0] is argv[0]), stdin and stderr
/// shared, stdout captured, and waits for it. Throws std::system_error if it cannot be started
/// and std::runtime_error if it does not exit with status 0.
child_output run_isolated(const std::vector<std::string>& args);

}  // namespace braid::tool
