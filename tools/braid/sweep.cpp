#include "sweep.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "units.hpp"

namespace braid::tool {

const std::vector<std::string>& sweep_parameters() noexcept {
  static const std::vector<std::string> names{"tasks", "io-latency", "cpu-size"};
  return names;
}

sweep_spec parse_sweep(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw std::invalid_argument("--sweep wants PARAM=V1,V2,... (for example tasks=1,10,100)");
  }
  sweep_spec spec{text.substr(0, eq), {}};
  bool known = false;
  for (const auto& p : sweep_parameters()) known = known || p == spec.parameter;
  if (!known) {
    throw std::invalid_argument("--sweep: unknown parameter '" + spec.parameter +
                                "' (tasks, io-latency, cpu-size)");
  }
  std::string rest = text.substr(eq + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item = rest.substr(0, comma);
    rest = comma == std::string::npos ? std::string() : rest.substr(comma + 1);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || !(v > 0) || !std::isfinite(v)) {
      throw std::invalid_argument("--sweep: '" + item + "' is not a positive number");
    }
    spec.values.push_back(v);
  }
  if (spec.values.empty()) throw std::invalid_argument("--sweep: no values");
  return spec;
}

workload_options with_value(workload_options work, const std::string& parameter, double value) {
  if (parameter == "tasks") {
    work.tasks = static_cast<std::size_t>(std::llround(value));
  } else if (parameter == "io-latency") {
    work.io_latency = std::chrono::milliseconds(std::llround(value));
  } else if (parameter == "cpu-size") {
    work.cpu_size = static_cast<std::uint64_t>(std::llround(value));
  } else {
    throw std::invalid_argument("unknown sweep parameter " + parameter);
  }
  return work;
}

std::vector<crossover> crossovers(const sweep_result& sweep) {
  std::vector<crossover> out;
  if (sweep.points.empty()) return out;
  for (const auto& w : sweep.points.front().results.workloads) {
    for (std::size_t i = 1; i < sweep.points.size(); ++i) {
      auto model_at = [&](std::size_t k) -> std::string {
        for (const auto& a : sweep.points[k].advice) {
          if (a.workload == w.name) return a.model;
        }
        return {};
      };
      const std::string before = model_at(i - 1), after = model_at(i);
      if (before != after && !before.empty() && !after.empty()) {
        out.push_back({w.name, sweep.points[i - 1].value, sweep.points[i].value, before, after});
      }
    }
  }
  return out;
}

std::vector<double> wall_series(const sweep_result& sweep, const std::string& workload,
                                const std::string& model) {
  std::vector<double> y;
  for (const auto& p : sweep.points) {
    double v = std::numeric_limits<double>::quiet_NaN();
    for (const auto& row : p.results.rows) {
      if (row.workload == workload && row.model == model) v = row.m.wall_s;
    }
    y.push_back(v);
  }
  return y;
}

std::string format_sweep(const sweep_result& sweep) {
  std::string out;
  if (sweep.points.empty()) return out;
  const auto& first = sweep.points.front().results;
  for (const auto& w : first.workloads) {
    out += fmt::format("\nSweep of {} for workload {} (wall time)\n", sweep.parameter, w.name);
    out += fmt::format("  {:<22}", "model \\ " + sweep.parameter);
    for (const auto& p : sweep.points) out += fmt::format("{:>12}", fmt::format("{:g}", p.value));
    out += '\n';
    std::vector<std::string> models;
    for (const auto* row : first.rows_of(w.name)) models.push_back(row->model);
    for (const auto& m : models) {
      out += fmt::format("  {:<22}", m);
      for (double v : wall_series(sweep, w.name, m)) {
        out += fmt::format("{:>12}", std::isfinite(v) ? format_duration(v) : "-");
      }
      out += '\n';
    }
    out += fmt::format("  {:<22}", "recommended");
    for (const auto& p : sweep.points) {
      std::string model = "-";
      for (const auto& a : p.advice) {
        if (a.workload == w.name) model = a.model;
      }
      out += fmt::format("{:>12}", model.substr(0, 11));
    }
    out += '\n';
  }
  const auto changes = crossovers(sweep);
  if (changes.empty()) {
    out += "\nThe recommended model is the same at every value.\n";
  }
  for (const auto& c : changes) {
    out += fmt::format("\n{}: the recommendation changes from {} to {} between {}={:g} and {:g}.\n",
                       c.workload, c.from_model, c.to_model, sweep.parameter, c.before, c.after);
  }
  return out;
}

}  // namespace braid::tool
