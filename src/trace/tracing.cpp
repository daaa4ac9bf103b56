#include "braid/trace/tracing.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "braid/error.hpp"
#include "trace_buffer.hpp"

namespace braid::trace {

namespace detail {
std::atomic<bool> recording{false};
}  // namespace detail

namespace {

using detail::event;
using detail::lane_name;
using detail::thread_buffer;

struct recorder {
  std::mutex mutex;  // guards everything below
  std::vector<std::shared_ptr<thread_buffer>> buffers;
  std::vector<lane_name> names;
  std::string path;
  std::int64_t origin_ns = 0;
  // Bumped by start() and stop(): a thread whose buffer belongs to another trace registers anew.
  std::atomic<std::uint64_t> generation{0};
  std::atomic<std::size_t> dropped{0};
};

recorder& the_recorder() {
  static recorder* r = new recorder;  // never destroyed: threads may record during exit
  return *r;
}

struct local_lane {
  std::shared_ptr<thread_buffer> buffer;
  std::uint64_t generation = 0;
  int tid = 0;
  int pid = 0;  // cached: getpid() is a system call, and events are recorded at every task step
};
thread_local local_lane this_lane;

int current_tid() noexcept {
  return static_cast<int>(::syscall(SYS_gettid));
}

// The calling thread's buffer for the current trace, registered (with the thread's name) on its
// first event.
thread_buffer* lane_buffer() {
  auto& r = the_recorder();
  const std::uint64_t now = r.generation.load(std::memory_order_acquire);
  if (this_lane.buffer && this_lane.generation == now) return this_lane.buffer.get();
  std::lock_guard lock(r.mutex);
  if (!this_lane.buffer || this_lane.generation != r.generation.load()) {
    this_lane.buffer = std::make_shared<thread_buffer>();
    this_lane.generation = r.generation.load();
    this_lane.tid = current_tid();
    this_lane.pid = static_cast<int>(::getpid());
    r.buffers.push_back(this_lane.buffer);
    char name[32] = {};
    if (::pthread_getname_np(::pthread_self(), name, sizeof name) == 0 && name[0] != '\0') {
      r.names.push_back({static_cast<int>(::getpid()), this_lane.tid, name});
    }
  }
  return this_lane.buffer.get();
}

void append(event e) noexcept {
  try {
    thread_buffer* b = lane_buffer();
    if (e.pid == 0) e.pid = this_lane.pid;
    if (e.tid == 0) e.tid = this_lane.tid;
    std::lock_guard lock(b->mutex);
    b->events.push_back(std::move(e));
  } catch (...) {
    the_recorder().dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace

const char* to_string(category c) noexcept {
  switch (c) {
    case category::thread:
      return "thread";
    case category::thread_pool:
      return "thread_pool";
    case category::process_pool:
      return "process_pool";
    case category::asyncio:
      return "asyncio";
    case category::stall:
      return "stall";
    case category::user:
      return "user";
  }
  return "user";
}

std::int64_t now_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void start(const std::string& path) {
  auto& r = the_recorder();
  std::lock_guard lock(r.mutex);
  if (detail::recording.load(std::memory_order_relaxed)) {
    throw invalid_state_error("braid::trace::start: tracing is already on");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw os_error(errno, "braid::trace::start: creating " + path);
  ::close(fd);
  r.path = path;
  r.buffers.clear();
  r.names.clear();
  r.dropped.store(0, std::memory_order_relaxed);
  ++r.generation;
  r.origin_ns = now_ns();
  r.names.push_back({static_cast<int>(::getpid()), 0, "braid " + std::to_string(::getpid())});
  detail::recording.store(true, std::memory_order_release);
}

std::size_t stop() {
  auto& r = the_recorder();
  std::vector<event> all;
  std::vector<lane_name> names;
  std::string path;
  std::int64_t origin;
  {
    std::lock_guard lock(r.mutex);
    if (!detail::recording.exchange(false, std::memory_order_acq_rel)) return 0;
    for (auto& b : r.buffers) {
      std::lock_guard buffer_lock(b->mutex);
      std::move(b->events.begin(), b->events.end(), std::back_inserter(all));
      b->events.clear();
    }
    r.buffers.clear();
    names = std::move(r.names);
    r.names.clear();
    path = r.path;
    origin = r.origin_ns;
    ++r.generation;
  }
  std::sort(all.begin(), all.end(),
            [](const event& a, const event& b) { return a.start_ns < b.start_ns; });
  detail::write_chrome_json(path, origin, all, names, r.dropped.load());
  return all.size();
}

void record(category what, std::string_view name, std::int64_t start_ns,
            std::int64_t end_ns) noexcept {
  if (!enabled()) return;
  try {
    append({start_ns, end_ns, std::string(name), 0, 0, what});
  } catch (...) {
    the_recorder().dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void record_on(category what, std::string_view name, int pid, int tid, std::int64_t start_ns,
               std::int64_t end_ns) noexcept {
  if (!enabled()) return;
  try {
    append({start_ns, end_ns, std::string(name), pid, tid, what});
  } catch (...) {
    the_recorder().dropped.fetch_add(1, std::memory_order_relaxed);
  }
}

void name_lane(int pid, int tid, std::string_view name) noexcept {
  if (!enabled()) return;
  try {
    auto& r = the_recorder();
    std::lock_guard lock(r.mutex);
    r.names.push_back({pid, tid, std::string(name)});
  } catch (...) {
  }
}

}  // namespace braid::trace
