#pragma once
/// \file
/// `braid compare --report FILE.html` and `--svg DIR`: the results as pictures. The HTML file is
/// self-contained (inline CSS and SVG, no script, no network); --svg writes the same charts as
/// bare .svg files. All functions throw std::bad_alloc; the writers also std::runtime_error when a
/// file cannot be written.

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "recommend.hpp"
#include "results.hpp"
#include "sweep.hpp"

namespace braid::tool {

/// One chart: a file name without extension ("wall-cpu") and its SVG.
struct named_chart {
  std::string name;
  std::string svg;
};

/// Every chart of a run: wall time and peak memory per workload, each model's timeline (when
/// traced), and the sweep's curves (when `sweep` is not null).
std::vector<named_chart> report_charts(const comparison& results,
                                       std::span<const recommendation> advice,
                                       const sweep_result* sweep);

/// The whole HTML page.
std::string format_html(const comparison& results, std::span<const recommendation> advice,
                        const sweep_result* sweep);

/// Writes `text` to `path`. Throws std::runtime_error.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace braid::tool
