#pragma once
/// \file
/// braid::asyncio::pipe_writer: the writing end of a pipe (a child's stdin) as a small byte
/// writer with Python's StreamWriter names: write(), drain(), close(). Kept apart from the
/// subprocess code so the stream module can later take its place.

#include <cstddef>
#include <string>
#include <string_view>

#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// Writes bytes to a non-blocking descriptor it owns. write() writes what the pipe takes at once
/// and buffers the rest; drain() waits until the buffer is empty. A reader that went away gives
/// os_error with EPIPE, never a SIGPIPE that kills the program. Move-only. Loop-thread only;
/// not thread-safe. One drain() at a time (a second concurrent one gets the loop's
/// event_loop_error: one waiter per descriptor). A drain in progress refers to this object: do
/// not move or destroy it while drain() is suspended.
class pipe_writer {
 public:
  /// A closed writer. Never throws.
  pipe_writer() noexcept = default;
  /// Adopts `fd`, which must be non-blocking (it is closed by the destructor). Never throws.
  explicit pipe_writer(int fd) noexcept : fd_(fd) {}
  pipe_writer(pipe_writer&& o) noexcept;
  pipe_writer& operator=(pipe_writer&& o) noexcept;
  /// Closes the descriptor; bytes still buffered are dropped (drain() first). Never throws.
  ~pipe_writer();

  /// Writes `data` (Python's write()): as much as the pipe takes now, the rest is buffered for
  /// drain(). Never suspends. Throws invalid_state_error once closed; os_error if write(2) fails
  /// (EPIPE: the reading end is closed; nothing of `data` is buffered then); std::bad_alloc.
  void write(std::string_view data);

  /// Waits until every buffered byte was written (Python's drain()); returns at once if none is
  /// buffered. Throws os_error as write(); cancelled_error.
  /// **Cancel safety**: cancel-safe: bytes not written stay buffered, in order, for the next
  /// drain().
  task<void> drain();

  /// Closes the descriptor now: the reader sees end of file (Python's close(), without the
  /// background flush: drain() first to send what is buffered, which close() drops). Harmless
  /// if closed. Not while drain() is suspended on this writer. Never throws.
  void close() noexcept;
  /// Whether close() was called, or the writer never had a descriptor (Python's is_closing()).
  /// Never throws.
  bool is_closing() const noexcept { return fd_ < 0; }
  /// Bytes buffered and not written yet. Never throws.
  std::size_t buffered() const noexcept { return buffer_.size() - head_; }
  /// The descriptor, or -1 once closed. Never throws.
  int fd() const noexcept { return fd_; }

 private:
  /// Writes from the buffer until it is empty or the pipe is full. Throws os_error.
  void flush_some();

  int fd_ = -1;
  std::string buffer_;  // bytes from head_ on are not written yet
  std::size_t head_ = 0;
};

}  // namespace braid::asyncio
