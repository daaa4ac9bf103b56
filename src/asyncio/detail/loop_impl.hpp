#pragma once
// The parts of an event_loop that its header does not need to show. Private to src/asyncio.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/futures/executor.hpp"
#include "detail/signal_registry.hpp"

namespace braid::asyncio::detail {

/// The queue of work posted from other threads. Shared, so that a thread holding a loop_poster
/// can still find out, under the mutex, that the loop closed or is gone.
///
/// Every cross-thread poster does all its work (the push, the wake-up) inside one critical
/// section, and the loop takes posted work only under the same mutex: once the loop has the
/// work, the poster no longer touches the loop, which may then be destroyed at once.
struct remote_queue {
  std::mutex mutex;
  runnable* head = nullptr;       // guarded by mutex
  runnable* tail = nullptr;       // guarded by mutex
  bool closed = false;            // guarded by mutex; set by close() and the destructor
  io_backend* backend = nullptr;  // guarded by mutex; null once the loop is destroyed
  std::atomic<bool> wake_pending{false};

  /// Appends `r` and wakes the loop. Call with `mutex` held.
  void push_locked(runnable& r) noexcept {
    r.next_run = nullptr;
    if (tail) {
      tail->next_run = &r;
    } else {
      head = &r;
    }
    tail = &r;
    if (!wake_pending.exchange(true, std::memory_order_acq_rel) && backend) backend->wake();
  }
  /// Takes the whole queue. Call with `mutex` held.
  runnable* take_locked() noexcept {
    runnable* list = head;
    head = tail = nullptr;
    return list;
  }
};

/// What a signal handler makes the loop run (see loop_impl::notify_from_signal). It lives in the
/// loop, so a handler scope that ends while it is queued leaves nothing dangling.
struct signal_runnable final : runnable {
  void (*handler)(void*) = nullptr;  // set and cleared on the loop thread
  void* arg = nullptr;
  bool queued = false;
  void run() noexcept override {
    queued = false;
    if (handler) handler(arg);
  }
};

/// Per-loop state of one of braid's own subsystems (the DNS resolver's channels and cache),
/// made on first use through loop_impl::service(). The loop destroys its services in close(),
/// after every task has finished (so no task still uses one), newest first.
struct loop_service {
  virtual ~loop_service() = default;
};

struct loop_impl {
  explicit loop_impl(io_backend_kind kind) : backend(make_io_backend(kind, fallback_reason)) {}
  std::string fallback_reason;  // before backend: its initialiser writes it
  std::unique_ptr<io_backend> backend;
  std::vector<io_operation*> io_ready;

  std::shared_ptr<remote_queue> remote = std::make_shared<remote_queue>();
  std::atomic<bool> stop_requested{false};

  std::mutex executor_mutex;
  std::shared_ptr<futures::executor> executor;

  std::function<void(const slow_step_info&)> slow_hook;

  // Signals reach the loop through its wake-up eventfd, not through a watched self-pipe: a
  // watched fd would make every iteration poll, where a program with only run()'s SIGINT
  // handler should skip the system call whenever work is ready.
  std::atomic<bool> signal_pending{false};
  signal_runnable signal_watch;
  /// add_signal_handler's signalfd and handlers; made on first use, released by close().
  std::unique_ptr<signal_registry> signals;

  /// Makes the loop run signal_watch soon. Async-signal-safe (a lock-free store and a write()
  /// to the eventfd); callable from any thread while the loop exists.
  void notify_from_signal() noexcept {
    signal_pending.store(true, std::memory_order_release);
    backend->wake();
  }

  std::uint64_t iterations = 0;
  std::uint64_t polls = 0;
  std::uint64_t tasks_created = 0;
  std::uint64_t slow_steps = 0;
  std::uint64_t next_task_id = 0;
  std::size_t io_waits = 0;

  /// The service keyed by `key` (the address of a static tag), made by `make()` on first use.
  /// Throws what make() throws (then nothing is stored). Loop-thread only.
  template <class Make>
  loop_service& service(const void* key, Make&& make) {
    for (auto& [k, s] : services) {
      if (k == key) return *s;
    }
    std::unique_ptr<loop_service> s = make();
    services.reserve(services.size() + 1);
    services.emplace_back(key, std::move(s));
    return *services.back().second;
  }
  /// Destroys every service, newest first (close() and the destructor). Never throws.
  void destroy_services() noexcept {
    while (!services.empty()) {
      std::unique_ptr<loop_service> s = std::move(services.back().second);
      services.pop_back();
      s.reset();  // may still look at `services` (finding nothing of its own)
    }
  }
  // Last member, so a service still alive at destruction goes before the backend it may use.
  std::vector<std::pair<const void*, std::unique_ptr<loop_service>>> services;
};

}  // namespace braid::asyncio::detail
