#include "trace_view.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace braid::tool {

std::vector<svg::span> read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + " is not JSON: " + e.what());
  }
  const nlohmann::json* events = &doc;
  if (doc.is_object()) {
    if (!doc.contains("traceEvents")) throw std::runtime_error(path + " has no traceEvents");
    events = &doc["traceEvents"];
  }
  if (!events->is_array()) throw std::runtime_error(path + ": traceEvents is not an array");
  std::map<int, std::string> process_names;
  std::map<std::pair<int, int>, std::string> thread_names;
  for (const auto& e : *events) {
    if (e.value("ph", "") != "M" || !e.contains("args")) continue;
    const int pid = e.value("pid", 0), tid = e.value("tid", 0);
    const std::string name = e["args"].value("name", "");
    if (e.value("name", "") == "process_name") process_names[pid] = name;
    if (e.value("name", "") == "thread_name") thread_names[{pid, tid}] = name;
  }
  std::vector<svg::span> spans;
  for (const auto& e : *events) {
    if (e.value("ph", "") != "X") continue;
    const int pid = e.value("pid", 0), tid = e.value("tid", 0);
    // Threads often share a name (every pool worker's), so the lane also carries the tid.
    auto process = process_names.count(pid) ? process_names[pid] : fmt::format("pid {}", pid);
    auto thread = thread_names.count({pid, tid}) ? thread_names[{pid, tid}] : std::string("thread");
    spans.push_back({.lane = fmt::format("{} / {} {}", process, thread, tid),
                     .name = e.value("name", "?"),
                     .category = e.value("cat", "other"),
                     .start_us = e.value("ts", 0.0),
                     .dur_us = e.value("dur", 0.0)});
  }
  if (spans.empty()) throw std::runtime_error(path + " holds no complete (\"X\") events");
  double origin = spans.front().start_us;
  for (const auto& s : spans) origin = std::min(origin, s.start_us);
  for (auto& s : spans) s.start_us -= origin;
  return spans;
}

int run_trace(const trace_options& options) {
  try {
    std::string out = options.output;
    if (out.empty()) {
      out = options.input;
      if (out.ends_with(".json")) out.resize(out.size() - 5);
      out += ".svg";
    }
    const auto spans = read_trace(options.input);
    const std::string chart = svg::timeline("Trace of " + options.input, spans);
    std::ofstream file(out);
    if (out.ends_with(".html")) {
      file << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>braid trace</title>"
              "</head><body>\n"
           << chart << "</body></html>\n";
    } else {
      file << chart;
    }
    if (!file) throw std::runtime_error("cannot write " + out);
    fmt::print("wrote {} ({} intervals)\n", out, spans.size());
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "braid trace: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace braid::tool
