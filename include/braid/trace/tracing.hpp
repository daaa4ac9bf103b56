#pragma once
/// \file
/// braid::trace: opt-in recording of what ran where, written as Chrome trace-event JSON that
/// Perfetto (ui.perfetto.dev) and chrome://tracing open, and that `braid trace` draws as SVG.
///
/// braid records, while tracing is on: each step of an asyncio task on its loop's thread (named
/// after the task), each task a thread_pool_executor worker runs, each braid::threading::thread's
/// body, each process pool task on a lane per worker process (timed by the parent from sending
/// the task to reading its result: transfer included), and the loop stalls the event loop's
/// watchdog reports. Programs add their own intervals with trace::scope.
///
/// Off, the cost is one relaxed atomic load per task (see docs/performance.md for the figure).
/// Every function here is thread-safe; none suspends or throws except start() and stop().

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace braid::trace {

/// What an interval is, shown as the event's "cat" and as its colour in `braid trace`.
enum class category : std::uint8_t { thread, thread_pool, process_pool, asyncio, stall, user };

/// The category's name in the JSON: "thread", "thread_pool", ... Never throws.
const char* to_string(category c) noexcept;

namespace detail {
extern std::atomic<bool> recording;
}  // namespace detail

/// True while tracing is on (between start() and stop()).
inline bool enabled() noexcept {
  return detail::recording.load(std::memory_order_relaxed);
}

/// Starts recording; the events are kept in memory (per thread) until stop() writes them to
/// `path`. Throws os_error when `path` cannot be created (it is created now, so a bad path fails
/// early) and invalid_state_error when tracing is already on.
void start(const std::string& path);

/// Stops recording and writes every event to the file start() named; returns how many events
/// it wrote. Returns 0 when tracing is off. Throws os_error when writing fails.
std::size_t stop();

/// The clock every event is timed with (CLOCK_MONOTONIC in nanoseconds: the same in every
/// process of the machine, so a worker process's times line up with its parent's).
std::int64_t now_ns() noexcept;

/// Records [start_ns, end_ns) on the calling thread's lane. Dropped when tracing is off or
/// memory runs out (stop() reports how many were dropped in the file's metadata).
void record(category what, std::string_view name, std::int64_t start_ns,
            std::int64_t end_ns) noexcept;

/// Records an interval on another lane: process `pid`, thread `tid` (the process pool records
/// its workers' tasks this way).
void record_on(category what, std::string_view name, int pid, int tid, std::int64_t start_ns,
               std::int64_t end_ns) noexcept;

/// Names a lane in the viewer (Chrome's thread_name / process_name metadata): tid 0 names the
/// process.
void name_lane(int pid, int tid, std::string_view name) noexcept;

/// An interval on the calling thread from construction to destruction, recorded only if tracing
/// was on when it began.
class scope {
 public:
  scope(category what, std::string_view name) noexcept
      : what_(what), name_(name), start_(enabled() ? now_ns() : -1) {}
  ~scope() {
    if (start_ >= 0) record(what_, name_, start_, now_ns());
  }
  scope(const scope&) = delete;
  scope& operator=(const scope&) = delete;

 private:
  category what_;
  std::string_view name_;
  std::int64_t start_;
};

}  // namespace braid::trace
