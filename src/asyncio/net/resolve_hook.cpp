// open_connection's name lookups go through the loop's c-ares resolver (asyncio::resolve).

#include "net/resolve_hook.hpp"

#include "braid/asyncio/resolve.hpp"

namespace braid::asyncio::detail {

task<std::vector<socket_address>> resolve_for_connect(std::string host, std::uint16_t port) {
  const resolve_options streams{.type = socket_type::stream};  // not braced in co_await (g++ 12)
  std::vector<address_info> infos = co_await resolve(host, port, streams);
  // IPv6 first (RFC 8305), in the resolver's order within each family.
  std::vector<socket_address> v6, v4;
  for (const auto& i : infos) {
    (i.address.family() == address_family::ipv6 ? v6 : v4).push_back(i.address);
  }
  v6.insert(v6.end(), v4.begin(), v4.end());
  co_return v6;
}

}  // namespace braid::asyncio::detail
