#pragma once
// How open_connection turns a host name into addresses (the DNS resolver). Private.

#include <cstdint>
#include <string>
#include <vector>

#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio::detail {

/// The stream addresses of `host` (not a numeric address, not "localhost"), IPv6 first.
/// Throws the resolver's errors.
task<std::vector<socket_address>> resolve_for_connect(std::string host, std::uint16_t port);

}  // namespace braid::asyncio::detail
