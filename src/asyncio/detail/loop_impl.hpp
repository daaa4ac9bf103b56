#pragma once
// The parts of an event_loop that its header does not need to show. Private to src/asyncio.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/futures/executor.hpp"

namespace braid::asyncio::detail {

struct loop_impl {
  std::unique_ptr<io_backend> backend = make_io_backend();
  std::vector<runnable*> io_ready;

  std::mutex remote_mutex;  // guards the queue of work posted from other threads
  runnable* remote_head = nullptr;
  runnable* remote_tail = nullptr;
  bool remote_closed = false;
  std::atomic<bool> wake_pending{false};
  std::atomic<bool> stop_requested{false};

  std::mutex executor_mutex;
  std::shared_ptr<futures::executor> executor;

  std::function<void(const slow_step_info&)> slow_hook;

  std::uint64_t iterations = 0;
  std::uint64_t task_steps = 0;
  std::uint64_t callbacks_run = 0;
  std::uint64_t tasks_created = 0;
  std::uint64_t slow_steps = 0;
  std::uint64_t next_task_id = 0;
  std::size_t io_waits = 0;
};

}  // namespace braid::asyncio::detail
