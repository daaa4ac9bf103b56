#pragma once
/// \file
/// braid::asyncio::pipe_reader: the reading end of a pipe (a child's stdout or stderr) as a
/// small byte reader with Python's StreamReader names: read(n), read_until(sep), at_eof().
/// Kept apart from the subprocess code so the stream module can later take its place.

#include <cstddef>
#include <string>

#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// Reads bytes from a non-blocking descriptor it owns, waiting on the loop when none are there.
/// Bytes are std::string (Python's bytes). Move-only. Loop-thread only; not thread-safe. One
/// read at a time: a second task reading while one waits gets the loop's event_loop_error (one
/// waiter per descriptor). A read in progress refers to this object: do not move or destroy it
/// while a read is suspended.
class pipe_reader {
 public:
  /// read(to_eof) reads until end of file (Python's read(-1)).
  static constexpr std::size_t to_eof = static_cast<std::size_t>(-1);

  /// A closed reader (at_eof() is true). Never throws.
  pipe_reader() noexcept = default;
  /// Adopts `fd`, which must be non-blocking (it is closed by the destructor). Never throws.
  explicit pipe_reader(int fd) noexcept : fd_(fd) {}
  pipe_reader(pipe_reader&& o) noexcept;
  pipe_reader& operator=(pipe_reader&& o) noexcept;
  /// Closes the descriptor. Never throws.
  ~pipe_reader();

  /// Up to `n` bytes (Python's read(n)): what is buffered if anything is, else waits for the
  /// next bytes; empty at end of file. read(to_eof) (the default) waits for end of file and
  /// returns everything. Throws os_error if read(2) fails; cancelled_error.
  /// **Cancel safety**: cancel-safe: bytes read before the cancellation stay buffered and the
  /// next read returns them.
  task<std::string> read(std::size_t n = to_eof);

  /// Bytes up to and including the first `separator` (Python's readuntil), waiting for more
  /// until it comes. At end of file without it, returns what is left (empty once nothing is;
  /// Python raises IncompleteReadError here). No length limit: the buffer grows until the
  /// separator comes. Throws value_error for an empty separator; as read() otherwise.
  /// **Cancel safety**: cancel-safe, as read().
  task<std::string> read_until(std::string separator);

  /// True once end of file was seen and nothing is buffered (Python's at_eof()). Never throws.
  bool at_eof() const noexcept { return (eof_ || fd_ < 0) && buffered() == 0; }
  /// Bytes buffered and not returned yet. Never throws.
  std::size_t buffered() const noexcept { return buffer_.size() - head_; }
  /// The descriptor, or -1 once closed. Never throws.
  int fd() const noexcept { return fd_; }
  /// Closes the descriptor and drops buffered bytes. Not while a read is suspended on this
  /// reader. Never throws.
  void close() noexcept;

 private:
  /// Reads once more into the buffer, waiting if nothing is there; false at end of file.
  task<bool> fill();
  std::string take(std::size_t n);

  int fd_ = -1;
  std::string buffer_;  // bytes from head_ on are not returned yet
  std::size_t head_ = 0;
  bool eof_ = false;
};

}  // namespace braid::asyncio
