#pragma once
/// \file
/// `braid trace FILE [-o OUT.svg|OUT.html]`: draws a Chrome trace-event file (braid::trace's, or
/// any with "X" events) as a timeline: one lane per thread, what ran in parallel, what waited,
/// where a loop stalled.

#include <string>
#include <vector>

#include "svg.hpp"

namespace braid::tool {

/// The complete ("X") events of a trace file as spans, lanes named "process / thread" from the
/// file's metadata. Throws std::runtime_error when the file cannot be read or is not a trace.
std::vector<svg::span> read_trace(const std::string& path);

struct trace_options {
  std::string input;
  std::string output;  ///< .svg or .html; empty: the input with .svg in place of .json
};

/// The whole subcommand; returns the exit status, errors reported on stderr.
int run_trace(const trace_options& options);

}  // namespace braid::tool
