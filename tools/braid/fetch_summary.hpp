#pragma once
/// \file
/// The numbers `braid fetch` reports: per-request records summed into status and error counts,
/// bytes, rate and latency percentiles, printed as text or as one JSON object.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace braid::tool {

/// The outcome of fetching one URL (after its retries).
struct fetch_record {
  int status = 0;          ///< the final response's status; 0 when none came
  std::string error_kind;  ///< "" on success; a kind of `errors` (see fetch_summary) otherwise
  std::uint64_t bytes = 0;
  double latency_ms = 0;  ///< from the first attempt to the last body byte
  int retries = 0;
};

struct fetch_summary {
  std::uint64_t requests = 0, succeeded = 0, failed = 0, bytes = 0, retries = 0;
  std::map<int, std::uint64_t> status_counts;
  std::map<std::string, std::uint64_t> errors;
  double seconds = 0, requests_per_second = 0;
  double p50 = 0, p90 = 0, p99 = 0;
};

/// The nearest-rank percentile `p` (0 < p <= 100) of `values` (any order); 0 for none.
double percentile(std::vector<double> values, double p);

/// Sums `records` fetched in `seconds` of wall time.
fetch_summary summarize(const std::vector<fetch_record>& records, double seconds);

/// Exactly the fields `braid fetch --json` documents: requests, succeeded, failed,
/// status_counts, errors, bytes, seconds, requests_per_second, latency_ms {p50, p90, p99}.
std::string to_json(const fetch_summary& s);

/// The human-readable summary (several lines, ending with a newline).
std::string to_text(const fetch_summary& s);

}  // namespace braid::tool
