#pragma once
// The recorder's storage: one buffer per thread that ever recorded, registered once, kept until
// stop() has written it (a thread may end before the trace does).

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/trace/tracing.hpp"

namespace braid::trace::detail {

struct event {
  std::int64_t start_ns;
  std::int64_t end_ns;
  std::string name;
  int pid;
  int tid;
  category what;
};

struct lane_name {
  int pid;
  int tid;
  std::string name;
};

struct thread_buffer {
  std::mutex mutex;          // the owner appends, stop() takes: uncontended but for that moment
  std::deque<event> events;  // chunked: growing never copies what is recorded
};

/// Writes the events as Chrome trace-event JSON ("traceEvents", "X" events in microseconds
/// since `origin_ns`, plus thread and process names). Throws os_error.
void write_chrome_json(const std::string& path, std::int64_t origin_ns,
                       const std::vector<event>& events, const std::vector<lane_name>& names,
                       std::size_t dropped);

}  // namespace braid::trace::detail
