#pragma once
/// \file
/// How `braid compare` prints its results: a text report for people (workloads, table, bar plot,
/// recommendations, what the columns mean) or JSON for programs. All functions throw only
/// std::bad_alloc.

#include <cstddef>
#include <span>
#include <string>

#include "recommend.hpp"
#include "results.hpp"

namespace braid::tool {

/// The results table: one line per (workload, model), with a header line.
std::string format_table(const comparison& results);

/// Horizontal bars of wall time, `width` characters for the slowest model of each workload.
std::string format_plot(const comparison& results, std::size_t width = 40);

/// `text` wrapped at `columns`, every line starting with `indent` spaces.
std::string wrap(const std::string& text, std::size_t indent, std::size_t columns = 100);

/// The whole report for the terminal.
std::string format_report(const comparison& results, std::span<const recommendation> advice);

/// The same as JSON: {"machine", "workloads", "results", "recommendations"}.
std::string format_json(const comparison& results, std::span<const recommendation> advice);

}  // namespace braid::tool
