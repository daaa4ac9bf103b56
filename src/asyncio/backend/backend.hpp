#pragma once
// The I/O backend interface of an event loop, shaped around operations rather than readiness:
// the loop submits an io_operation (accept, connect, recv, send, ...) and receives it back,
// completed, from poll(). epoll.cpp performs each operation with a non-blocking system call
// once its descriptor is ready; io_uring.cpp hands it to the kernel, and one io_uring_enter per
// loop iteration submits the whole batch and reaps the completions. Private to src/asyncio.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

class io_backend {
 public:
  virtual ~io_backend() = default;
  virtual io_backend_kind kind() const noexcept = 0;

  /// Makes a concurrent or the next poll() return. Thread-safe; never throws.
  virtual void wake() noexcept = 0;
  /// Waits until operations complete, wake() is called, or `timeout` passes (negative: no
  /// limit). Appends completed operations (their `result` set) to `done` and returns true if
  /// wake() was called. Throws event_loop_error if the kernel fails the wait itself.
  virtual bool poll(std::chrono::nanoseconds timeout, std::vector<io_operation*>& done) = 0;

  /// Performs `op` now if that cannot block, setting op.result (possibly an error); false if it
  /// would block (or this backend prefers to submit). Never throws.
  virtual bool try_now(io_operation& op) noexcept = 0;
  /// Starts `op`; it comes back from a later poll(). Never throws: a failure to start it (the
  /// descriptor cannot be watched, no memory) completes it with that error.
  virtual void submit(io_operation& op) noexcept = 0;
  /// Asks for `op` (submitted, not yet returned by poll) to stop. True if it is gone and will
  /// never come back from poll(); false if it will still come back, with -ECANCELED or with the
  /// result it had reached (the kernel may have finished it already). Never throws.
  virtual bool cancel(io_operation& op) noexcept = 0;
  /// Like cancel(), but on return the backend no longer refers to `op` at all (the kernel is
  /// done with its buffers): for an operation whose frame is being destroyed. May block briefly
  /// on io_uring. Never throws.
  virtual void abandon(io_operation& op) noexcept = 0;

  /// A descriptor braid owns from now until detach(): epoll registers it once, edge-triggered,
  /// for both directions, and remembers its readiness. Never throws (a failure shows up in the
  /// first operation, which then registers as for any other descriptor).
  virtual void attach(int fd) noexcept = 0;
  /// Before the owner closes `fd`: operations still queued on it complete with -ECANCELED.
  virtual void detach(int fd) noexcept = 0;
};

/// The backend `kind` asks for; `automatic` reads BRAID_ASYNCIO_BACKEND (epoll, io_uring) and
/// otherwise takes the default. Where io_uring is asked for and the kernel refuses it, falls
/// back to epoll and says why in `fallback_reason`. Throws event_loop_error if no backend can
/// be created.
std::unique_ptr<io_backend> make_io_backend(io_backend_kind kind, std::string& fallback_reason);
std::unique_ptr<io_backend> make_epoll_backend();
/// Null, with the reason in `why`, where the kernel refuses io_uring.
std::unique_ptr<io_backend> make_io_uring_backend(std::string& why);

/// Performs `op`'s system call without blocking: the result, or -errno (-EAGAIN: not ready).
/// A connect is started by the first call (progress 1 while in progress) and finished by the
/// next, once the socket is writable. Never throws.
long perform_now(io_operation& op) noexcept;
/// 0 if a poll kind's descriptor is ready now, -EAGAIN if not, -errno on failure.
long poll_now(int fd, bool write) noexcept;

}  // namespace braid::asyncio::detail
