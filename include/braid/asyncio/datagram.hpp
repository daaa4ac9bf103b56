#pragma once
/// \file
/// UDP and Unix datagram sockets as coroutines (Python's loop.create_datagram_endpoint, with
/// send_to/recv_from awaited instead of a protocol's callbacks).
///
/// Thread-safety: none; an endpoint belongs to the loop that made it and is destroyed before it.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "braid/asyncio/net_errors.hpp"
#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

namespace detail {
struct datagram_state;
}

/// Options of create_datagram_endpoint(); at least one of the addresses is needed.
struct datagram_options {
  /// Bind here (port 0: the kernel chooses); for a client, the family of `remote` otherwise.
  std::optional<socket_address> local_address;
  /// Connect here: send() and recv() then talk to this peer only, and an ICMP "port
  /// unreachable" comes back as connection_refused_error.
  std::optional<socket_address> remote_address;
  bool reuse_address = false;
  bool reuse_port = false;
  bool allow_broadcast = false;
};

/// One received datagram and who sent it.
struct datagram {
  std::string data;
  socket_address sender;
  bool truncated = false;  ///< longer than the receive size: the rest was dropped
};

/// A datagram socket. A handle: copies share the socket, closed by close() or when the last
/// handle goes away.
class datagram_endpoint {
 public:
  datagram_endpoint() noexcept = default;
  /// Sends one datagram to `to`, waiting while the socket buffer is full. Throws
  /// connection_error (EMSGSIZE for a datagram too large is os_error's code()).
  /// Cancellation point while it waits; a cancelled send sent nothing.
  task<void> send_to(std::string_view data, socket_address to);
  /// Sends to the connected remote address.
  task<void> send(std::string_view data);
  /// Waits for one datagram of at most `max_size` bytes. Throws connection_refused_error on a
  /// connected endpoint whose peer is not listening. Cancellation point; a cancelled receive
  /// consumed no datagram.
  task<datagram> recv_from(std::size_t max_size = 65536);
  /// recv_from()'s data only.
  task<std::string> recv(std::size_t max_size = 65536);
  socket_address local_address() const noexcept;
  /// Closes the socket; waiting operations end as if cancelled by the peer (recv returns an
  /// empty datagram). Never throws.
  void close() noexcept;
  bool is_closed() const noexcept;

  explicit datagram_endpoint(std::shared_ptr<detail::datagram_state> s) noexcept
      : s_(std::move(s)) {}

 private:
  std::shared_ptr<detail::datagram_state> s_;
};

/// Opens a datagram socket (Python's create_datagram_endpoint). Throws os_error (bind,
/// connect), value_error when neither address is given.
task<datagram_endpoint> create_datagram_endpoint(datagram_options options);

}  // namespace braid::asyncio
