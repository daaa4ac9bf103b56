#pragma once
/// \file
/// `braid compare --sweep PARAM=V1,V2,...`: the whole comparison once per value of one workload
/// parameter, to show how each model's cost grows with the work and where the recommended model
/// changes.

#include <string>
#include <vector>

#include "recommend.hpp"
#include "results.hpp"
#include "workload.hpp"

namespace braid::tool {

/// The parameters a sweep can vary: "tasks", "io-latency" (ms), "cpu-size".
const std::vector<std::string>& sweep_parameters() noexcept;

struct sweep_spec {
  std::string parameter;
  std::vector<double> values;
};

/// Parses "tasks=1,10,100". Throws std::invalid_argument for an unknown parameter, a value that
/// is not a positive number, or no values.
sweep_spec parse_sweep(const std::string& text);

/// `work` with the parameter set to `value`. Throws std::invalid_argument.
workload_options with_value(workload_options work, const std::string& parameter, double value);

struct sweep_point {
  double value = 0;
  comparison results;
  std::vector<recommendation> advice;
};

struct sweep_result {
  std::string parameter;
  std::vector<sweep_point> points;
};

/// A place where a workload's recommended model changes between two neighbouring values.
struct crossover {
  std::string workload;
  double before = 0, after = 0;
  std::string from_model, to_model;
};

/// Every crossover, in workload then value order. Throws std::bad_alloc.
std::vector<crossover> crossovers(const sweep_result& sweep);

/// Wall time of `model` on `workload` at each point (NaN where it was not run).
std::vector<double> wall_series(const sweep_result& sweep, const std::string& workload,
                                const std::string& model);

/// The terminal form: per workload, wall time by model and value, the recommendation at each
/// value, and the crossovers in words.
std::string format_sweep(const sweep_result& sweep);

}  // namespace braid::tool
