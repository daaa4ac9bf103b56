#pragma once
// Small socket helpers shared by streams, servers and datagrams. Private to src/asyncio.

#include <string>
#include <vector>

#include "braid/asyncio/socket_address.hpp"

namespace braid::asyncio::detail {

/// A non-blocking, close-on-exec socket. Throws os_error.
int open_socket(address_family family, int type);

/// The addresses a host name stands for without a DNS query: a numeric address, or
/// "localhost" (::1 then 127.0.0.1); empty for any other name.
std::vector<socket_address> literal_addresses(const std::string& host, std::uint16_t port);

/// RFC 8305's order: alternate families, starting with the first address's family.
std::vector<socket_address> interleave_families(std::vector<socket_address> addresses);

}  // namespace braid::asyncio::detail
