#pragma once
/// \file
/// Waiting for a file descriptor to become ready: `co_await asyncio::wait_readable(fd)` and
/// `co_await asyncio::wait_writable(fd)`, through the loop's I/O backend (epoll on Linux). The
/// building block of sockets and pipes; the fd should be non-blocking, and the caller then reads
/// or writes until EAGAIN and waits again.

#include <coroutine>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"

namespace braid::asyncio {

class event_loop;

namespace detail {
/// The awaitable behind wait_readable/wait_writable: a one-shot watch in the waiting frame.
class fd_wait_operation final : public io_watch, public waiter {
 public:
  fd_wait_operation(int fd_to_watch, bool write) noexcept : write_(write) { fd = fd_to_watch; }
  fd_wait_operation(const fd_wait_operation&) = delete;
  ~fd_wait_operation();
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h);
  void await_resume() const;
  void run() noexcept override;  // the fd is ready
  bool cancel() noexcept override;

 private:
  event_loop* loop_ = nullptr;
  task_base* task_ = nullptr;
  bool write_;
  bool cancelled_ = false;
};
}  // namespace detail

/// Suspends the calling task until `fd` is readable (data, end of file, a pending connection,
/// or an error condition the next read will report). Level-triggered and one-shot: ready at once
/// if data is already there.
///
/// One task at a time may wait on a given fd (either direction): a second concurrent wait throws
/// event_loop_error, as does an fd epoll cannot watch (a regular file: EPERM).
/// Cancellation: a cancellation point; cancelling removes the interest from the backend and
/// throws cancelled_error. If the fd became ready in the same loop iteration, the wait returns
/// normally and the cancellation comes at the next suspension point.
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
