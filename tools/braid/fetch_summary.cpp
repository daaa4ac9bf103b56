#include "fetch_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace braid::tool {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(values.size()));
  const auto index =
      static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(values.size()))) - 1;
  return values[index];
}

fetch_summary summarize(const std::vector<fetch_record>& records, double seconds) {
  fetch_summary s;
  std::vector<double> latencies;
  latencies.reserve(records.size());
  for (const auto& r : records) {
    ++s.requests;
    if (r.error_kind.empty()) {
      ++s.succeeded;
    } else {
      ++s.failed;
      ++s.errors[r.error_kind];
    }
    if (r.status != 0) ++s.status_counts[r.status];
    s.bytes += r.bytes;
    s.retries += static_cast<std::uint64_t>(r.retries);
    latencies.push_back(r.latency_ms);
  }
  s.seconds = seconds;
  s.requests_per_second = seconds > 0 ? static_cast<double>(s.requests) / seconds : 0;
  s.p50 = percentile(latencies, 50);
  s.p90 = percentile(latencies, 90);
  s.p99 = percentile(latencies, 99);
  return s;
}

std::string to_json(const fetch_summary& s) {
  nlohmann::ordered_json status = nlohmann::ordered_json::object();
  for (const auto& [code, n] : s.status_counts) status[std::to_string(code)] = n;
  nlohmann::ordered_json errors = nlohmann::ordered_json::object();
  for (const auto& [kind, n] : s.errors) errors[kind] = n;
  const nlohmann::ordered_json doc = {
      {"requests", s.requests},
      {"succeeded", s.succeeded},
      {"failed", s.failed},
      {"status_counts", status},
      {"errors", errors},
      {"bytes", s.bytes},
      {"seconds", s.seconds},
      {"requests_per_second", s.requests_per_second},
      {"latency_ms", {{"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}}},
  };
  return doc.dump(2) + "\n";
}

std::string to_text(const fetch_summary& s) {
  std::string out = fmt::format("requests: {}  succeeded: {}  failed: {}  retries: {}\n",
                                s.requests, s.succeeded, s.failed, s.retries);
  out += "status:";
  if (s.status_counts.empty()) out += " none";
  for (const auto& [code, n] : s.status_counts) out += fmt::format(" {}={}", code, n);
  out += fmt::format("\nbytes: {}  seconds: {:.3f}  requests/s: {:.1f}\n", s.bytes, s.seconds,
                     s.requests_per_second);
  out += fmt::format("latency ms: p50 {:.2f}  p90 {:.2f}  p99 {:.2f}\n", s.p50, s.p90, s.p99);
  if (!s.errors.empty()) {
    out += "errors:";
    for (const auto& [kind, n] : s.errors) out += fmt::format(" {}={}", kind, n);
    out += "\n";
  }
  return out;
}

}  // namespace braid::tool
