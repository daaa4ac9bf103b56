#pragma once
/// \file
/// The errors of braid::asyncio's sockets and streams, one type per failure a program handles
/// differently, each an os_error carrying the errno and, where there is one, the peer's address
/// (Python's ConnectionError family, asyncio.IncompleteReadError and LimitOverrunError).

#include <cstddef>
#include <string>

#include "braid/asyncio/socket_address.hpp"
#include "braid/error.hpp"

namespace braid::asyncio {

/// A connection failed or broke (Python's ConnectionError). code() is the system's error,
/// address() the peer (empty when unknown).
class connection_error : public os_error {
 public:
  connection_error(int errno_value, const std::string& operation, const socket_address& peer);
  const socket_address& address() const noexcept { return address_; }

 private:
  socket_address address_;
};

/// Nothing listens at the address (ECONNREFUSED; Python's ConnectionRefusedError).
class connection_refused_error : public connection_error {
 public:
  using connection_error::connection_error;
};
/// The peer reset the connection (ECONNRESET; Python's ConnectionResetError).
class connection_reset_error : public connection_error {
 public:
  using connection_error::connection_error;
};
/// The connection was aborted on this side (ECONNABORTED; Python's ConnectionAbortedError).
class connection_aborted_error : public connection_error {
 public:
  using connection_error::connection_error;
};
/// Writing to a connection the peer closed (EPIPE; Python's BrokenPipeError).
class broken_pipe_error : public connection_error {
 public:
  using connection_error::connection_error;
};
/// No route to the network or host (ENETUNREACH, EHOSTUNREACH; Python raises OSError).
class unreachable_error : public connection_error {
 public:
  using connection_error::connection_error;
};
/// The connection attempt or the connection timed out: the kernel's ETIMEDOUT, or braid's
/// connect timeout (then code() is ETIMEDOUT too). Python's TimeoutError is an OSError as well.
class connection_timeout_error : public connection_error {
 public:
  using connection_error::connection_error;
};

/// Throws the connection_error subclass for `errno_value` (a plain connection_error for other
/// values). Throws std::bad_alloc while building it.
[[noreturn]] void throw_connection_error(int errno_value, const std::string& operation,
                                         const socket_address& peer);

/// The stream ended before `expected` bytes (or a separator) arrived (Python's
/// asyncio.IncompleteReadError). partial() holds what did arrive.
class incomplete_read_error : public braid::error {
 public:
  /// `expected` is 0 when a separator was awaited. Throws std::bad_alloc.
  incomplete_read_error(std::string partial, std::size_t expected);
  const std::string& partial() const noexcept { return partial_; }
  std::size_t expected() const noexcept { return expected_; }

 private:
  std::string partial_;
  std::size_t expected_;
};

/// read_until() or read_line() found no separator within the reader's limit (Python's
/// asyncio.LimitOverrunError). The data stays buffered; consumed() says how much is there.
class limit_overrun_error : public braid::error {
 public:
  limit_overrun_error(const std::string& message, std::size_t consumed)
      : braid::error(message), consumed_(consumed) {}
  std::size_t consumed() const noexcept { return consumed_; }

 private:
  std::size_t consumed_;
};

}  // namespace braid::asyncio
