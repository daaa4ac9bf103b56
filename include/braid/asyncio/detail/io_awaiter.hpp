#pragma once
/// \file
/// The awaitable behind every I/O operation of braid::asyncio (waits, accept, connect, reads,
/// writes): an io_operation living in the awaiting frame. Not for users; the public functions
/// (wait_readable, sock_recv, streams) wrap it.

#include <coroutine>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

/// Awaiting tries the operation at once (no suspension if it cannot block), else submits it
/// and suspends the task until it completes. await_resume() returns the system call's result
/// or -errno; the caller turns errors into typed exceptions.
///
/// Cancellation: a cancellation point while suspended. The epoll backend drops the operation at
/// once; io_uring asks the kernel to stop it, and the task resumes when the kernel answers:
/// with cancelled_error if it stopped, or with the result if the operation had completed (the
/// cancellation then comes at the next suspension point, so no data read is lost).
/// Destroying a frame holding an operation in flight waits for the kernel to let go of it.
class io_awaiter : public io_operation, public waiter {
 public:
  io_awaiter(const io_awaiter&) = delete;
  io_awaiter& operator=(const io_awaiter&) = delete;
  ~io_awaiter();

  /// Throws event_loop_error outside a task of a running loop.
  bool await_ready();
  bool await_suspend(std::coroutine_handle<> h) noexcept;
  /// Throws cancelled_error if the operation was cancelled.
  long await_resume() const;

  void run() noexcept override;
  bool cancel() noexcept override;

 protected:
  explicit io_awaiter(const char* what) noexcept : what_(what) {}

 private:
  const char* what_;
  event_loop* loop_ = nullptr;
  task_base* task_ = nullptr;
  bool cancelled_ = false;
};

}  // namespace braid::asyncio::detail
