#pragma once
/// \file
/// braid::asyncio::run (Python's asyncio.run) and event_loop::run_until_complete.

#include <chrono>
#include <memory>
#include <utility>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio {

/// Options of run().
struct run_options {
  /// Record where each task is created (reported by the watchdog and for unobserved errors).
  bool debug = false;
  /// The loop's clock; null means the real steady clock. Pass a virtual_clock in tests.
  asyncio::clock* clock = nullptr;
  /// On the process's main thread, SIGINT cancels the main task while run() runs; run() then
  /// throws interrupted_error. The previous handler is restored afterwards.
  bool handle_sigint = true;
  /// The watchdog threshold (see event_loop::set_slow_callback_duration).
  std::chrono::nanoseconds slow_callback_duration = std::chrono::milliseconds(100);
  /// The loop's I/O backend (see io_backend_kind).
  io_backend_kind backend = io_backend_kind::automatic;
};

namespace detail {
std::unique_ptr<event_loop> make_run_loop(const run_options& options);
bool task_done(void* task) noexcept;

/// Installs the SIGINT handler of run() for its lifetime.
class sigint_scope {
 public:
  sigint_scope(event_loop& loop, task_base& main, bool enable);
  ~sigint_scope();
  sigint_scope(const sigint_scope&) = delete;
  sigint_scope& operator=(const sigint_scope&) = delete;
  bool interrupted() const noexcept;

 private:
  struct state;
  std::unique_ptr<state> state_;
};
}  // namespace detail

/// Creates an event loop on this thread, runs `main` to completion, cancels and awaits every
/// task still alive, shuts the default executor down, closes the loop, and returns main's value
/// or rethrows its error (Python's asyncio.run).
/// Throws event_loop_error if a loop already runs on this thread or the SIGINT handling cannot
/// be set up; interrupted_error if SIGINT cancelled main; std::bad_alloc; what main throws.
/// However it ends, nothing it opened (the loop's descriptors, the SIGINT self-pipe) is left
/// open. Thread-safe in the sense that each thread may run its own loop; SIGINT is handled only
/// on the process's main thread.
template <class T>
T run(task<T> main, run_options options = {}) {
  if (event_loop::current() != nullptr) {
    throw event_loop_error("asyncio::run() cannot be called from a running event loop");
  }
  auto loop = detail::make_run_loop(options);
  auto handle = loop->create_task(std::move(main), "main");
  bool interrupted = false;
  {
    detail::sigint_scope sigint(*loop, *handle.base(), options.handle_sigint);
    detail::loop_access::run_until(*loop, &detail::task_done, handle.base());
    loop->cancel_all_tasks();
    interrupted = sigint.interrupted();
  }
  loop->close();
  if (interrupted && handle.cancelled()) throw interrupted_error();
  return std::move(handle).result();
}

template <class T>
T event_loop::run_until_complete(task<T> t) {
  if (current() != nullptr) {
    throw event_loop_error("run_until_complete() cannot be called from a running event loop");
  }
  auto handle = create_task(std::move(t));
  run_until(&detail::task_done, handle.base());
  return std::move(handle).result();
}

}  // namespace braid::asyncio
