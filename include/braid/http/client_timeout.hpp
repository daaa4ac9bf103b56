#pragma once
/// \file
/// braid::http::client_timeout (aiohttp.ClientTimeout): the time limits of a client request.
/// A zero duration means no limit. Plain value; nothing here suspends or throws.

#include <chrono>

namespace braid::http {

/// aiohttp's ClientTimeout with its defaults: `total` 300 s, the others none.
///
/// - `total`: the whole request, from the call to the last body byte read (read(), text(),
///   iter_*() count against it too); client_timeout_error::which() is timeout_kind::total.
/// - `connect`: getting a connection: waiting for a pool slot (limit, limit_per_host), DNS,
///   TCP connect and the TLS handshake (and a proxy's CONNECT).
/// - `sock_connect`: one connection attempt (open_connection's timeout): TCP and TLS.
/// - `sock_read`: the longest wait between two reads that return data.
struct client_timeout {
  std::chrono::nanoseconds total = std::chrono::seconds(300);
  std::chrono::nanoseconds connect{0};
  std::chrono::nanoseconds sock_connect{0};
  std::chrono::nanoseconds sock_read{0};
};

}  // namespace braid::http
