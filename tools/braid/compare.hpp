#pragma once
/// \file
/// `braid compare`: runs every selected workload under every selected model, each run in its own
/// process, and reports timings, memory and a recommendation per workload.

#include <string>
#include <vector>

#include "results.hpp"
#include "workload.hpp"

namespace braid::tool {

/// The command line of `braid compare`.
struct compare_options {
  workload_options work;
  std::vector<std::string> workloads;  ///< names to run; empty: all
  std::vector<std::string> models;     ///< names to run; empty: all
  int repeat = 3;                      ///< runs per pair; the median is reported
  bool json = false;
  std::string trace_file;   ///< --trace: every pair's first run traced into one Chrome trace file
  std::string report_file;  ///< --report: a self-contained HTML report (traces the first runs)
  std::string svg_dir;      ///< --svg: the report's charts as bare SVG files
  std::string sweep;        ///< --sweep PARAM=V1,V2,...
  /// Hidden: the child traces its run into this file.
  std::string child_trace;
  /// Hidden: {workload, model}. Run that one pair in this process and print its measurement as
  /// JSON; the parent starts the tool again this way for every run.
  std::vector<std::string> run_one;
};

/// Runs all selected pairs, each in a child process, and returns the medians. `on_progress` is
/// called before each run with a short description. Throws std::invalid_argument for unknown
/// names, std::runtime_error if a child fails or models disagree on a checksum.
comparison run_comparison(const compare_options& options,
                          void (*on_progress)(const std::string& what) = nullptr);

/// Whether the first run of each pair is traced (for --trace, --report and --svg).
bool wants_trace(const compare_options& options) noexcept;

/// The whole subcommand: the child mode if options.run_one is set, otherwise run_comparison and
/// the report on stdout. Returns the exit status; errors are reported on stderr.
int run_compare(const compare_options& options);

}  // namespace braid::tool
