#pragma once
/// \file
/// Waiting for a file descriptor to become ready: `co_await asyncio::wait_readable(fd)` and
/// `co_await asyncio::wait_writable(fd)`, through the loop's I/O backend (epoll on Linux). The
/// building block of sockets and pipes; the fd should be non-blocking, and the caller then reads
/// or writes until EAGAIN and waits again.

#include "braid/asyncio/detail/io_awaiter.hpp"

namespace braid::asyncio {

class event_loop;

namespace detail {
/// The awaitable behind wait_readable/wait_writable.
class fd_wait_operation final : public io_awaiter {
 public:
  fd_wait_operation(int fd_to_watch, bool write) noexcept
      : io_awaiter("wait_readable/wait_writable") {
    fd = fd_to_watch;
    kind = write ? io_kind::poll_out : io_kind::poll_in;
  }
  /// Throws cancelled_error, or os_error if the descriptor cannot be waited on.
  void await_resume() const;
};
}  // namespace detail

/// Suspends the calling task until `fd` is readable (data, end of file, a pending connection,
/// or an error condition the next read will report). Level-triggered and one-shot: ready at once
/// if data is already there.
///
/// Any number of tasks may wait on one fd, in either direction (a reader and a writer of one
/// socket at once); waits in one direction end in the order they began. An fd epoll cannot
/// watch (a regular file: EPERM) throws os_error with that code.
/// Cancellation: a cancellation point; cancelling removes the interest from the backend and
/// throws cancelled_error. If the fd became ready in the same loop iteration, the wait returns
/// normally and the cancellation comes at the next suspension point. An fd that is ready
/// already returns at once, without suspending (and so without a cancellation point).
/// Closing `fd` while a task waits on it is allowed (the wait then ends only by cancellation, or
/// by readiness if a dup keeps the file open); the loop never reports a stale readiness to a
/// finished wait, and the fd number may be waited on again once reused.
/// Throws event_loop_error outside a running loop or a task; std::bad_alloc. Loop-thread only.
inline detail::fd_wait_operation wait_readable(int fd) noexcept {
  return detail::fd_wait_operation(fd, false);
}

/// Suspends the calling task until `fd` is writable (buffer space, or an error). As
/// wait_readable.
inline detail::fd_wait_operation wait_writable(int fd) noexcept {
  return detail::fd_wait_operation(fd, true);
}

}  // namespace braid::asyncio
