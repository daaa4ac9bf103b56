#pragma once
// The I/O backend interface of an event loop: one implementation per file (epoll.cpp now; the
// networking issue adds io_uring). Private to src/asyncio.

#include <chrono>
#include <memory>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"

namespace braid::asyncio::detail {

class io_backend {
 public:
  virtual ~io_backend() = default;
  /// Makes a concurrent or the next poll() return. Thread-safe; never throws.
  virtual void wake() noexcept = 0;
  /// Waits until a watched fd is ready, wake() is called, or `timeout` passes (negative: no
  /// limit). Appends the runnables of ready fds to `ready` (each fd's watch ends with its event)
  /// and returns true if wake() was called. A watch that fired is removed.
  virtual bool poll(std::chrono::nanoseconds timeout, std::vector<runnable*>& ready) = 0;
  /// Watches `fd` for readability (or writability) once; throws event_loop_error on failure
  /// (for example a second watch of the same fd).
  virtual void watch(bool write, io_watch& w) = 0;
  /// Stops watching `fd`; harmless if it is not watched. Safe even if the user closed `fd`
  /// already: a registration the kernel keeps (a dup holds the file open) never reports to the
  /// removed watch.
  virtual void unwatch(int fd) noexcept = 0;
};

/// The platform's backend (epoll on Linux).
std::unique_ptr<io_backend> make_io_backend();

}  // namespace braid::asyncio::detail
