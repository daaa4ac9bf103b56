#pragma once
/// \file
/// braid::multiprocessing::connection and pipe(): Python's multiprocessing.Pipe and Connection.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing {

/// One end of a pipe between processes (Python's Connection): a socket that carries whole
/// messages. Objects travel through cereal; bytes as they are.
///
/// A connection travels to another process as an argument of a process or task (its descriptor
/// is duplicated into the child); it cannot travel through a queue. Move-only; not thread-safe
/// (one sender and one receiver thread at a time). The destructor closes it.
class connection {
 public:
  /// A closed connection. Never throws.
  connection() = default;
  /// Takes ownership of the socket `fd`. Never throws.
  explicit connection(int fd) noexcept : fd_(fd) {}
  /// Takes over `other`'s socket, leaving it closed. Never throws.
  connection(connection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  /// Closes this end, then takes over `other`'s socket. Never throws.
  connection& operator=(connection&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  /// Closes this end. Never throws.
  ~connection() { close(); }

  /// Sends one object (Python's send()). Throws what its serialisation throws (nothing is sent
  /// then); transfer_error if either end is closed.
  template <class T>
  void send(const T& object) {
    detail::check_sendable<T>();
    send_bytes(detail::encode_value(object));
  }
  /// Receives one object sent with send<T>() (Python's recv()). Throws eof_error if the other
  /// end is closed and nothing is left; transfer_error if the message does not decode as T or
  /// this end is closed.
  template <class T>
  T recv() {
    const std::string bytes = recv_bytes();
    try {
      return detail::decode_value<T>(bytes);
    } catch (const braid::error&) {
      throw;
    } catch (const std::exception& e) {
      throw transfer_error(std::string("connection::recv: ") + e.what());
    }
  }

  /// Sends `bytes` as one message (Python's send_bytes()). Throws transfer_error if either end
  /// is closed.
  void send_bytes(std::string_view bytes);
  /// Receives one message's bytes (Python's recv_bytes()). Throws eof_error at the end of the
  /// stream; transfer_error if this end is closed.
  std::string recv_bytes();
  /// True if a message (or the end of the stream) is ready within `timeout` (Python's poll();
  /// the default, zero, does not wait). Throws transfer_error if this end is closed.
  bool poll(std::chrono::nanoseconds timeout = std::chrono::nanoseconds::zero()) const;
  /// Closes this end (Python's close()); the other end's recv then throws eof_error. Idempotent;
  /// never throws.
  void close() noexcept;
  /// Whether this end is closed (Python's closed). Never throws.
  bool closed() const noexcept { return fd_ < 0; }
  /// The socket's descriptor, -1 once closed (Python's fileno()). Never throws.
  int fileno() const noexcept { return fd_; }

  /// Serialisation (cereal) for travel as an argument: the descriptor is duplicated into the
  /// child. Throws transfer_error outside a process or task argument (a queue, a value);
  /// os_error if it cannot be duplicated.
  template <class A>
  void save(A& ar) const {
    ar(detail::attach_fd(fd_));
  }
  /// The other half of save(): takes the duplicated descriptor.
  template <class A>
  void load(A& ar) {
    std::uint32_t index = 0;
    ar(index);
    close();
    fd_ = detail::take_fd(index);
  }

 private:
  int fd_ = -1;
};

/// A pair of connected connections (Python's Pipe()). With `duplex` false the first can only
/// receive and the second only send. Throws braid::os_error if the sockets cannot be made.
/// Thread-safe.
std::pair<connection, connection> pipe(bool duplex = true);

}  // namespace braid::multiprocessing
