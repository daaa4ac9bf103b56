#include "net/socket_util.hpp"

#include <sys/socket.h>

#include <cerrno>

#include "braid/error.hpp"

namespace braid::asyncio::detail {

int open_socket(address_family family, int type) {
  const int fd = ::socket(static_cast<int>(family), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw os_error(errno, "socket");
  return fd;
}

std::vector<socket_address> literal_addresses(const std::string& host, std::uint16_t port) {
  if (host == "localhost") {
    return {socket_address::from_ip("::1", port), socket_address::from_ip("127.0.0.1", port)};
  }
  try {
    return {socket_address::from_ip(host, port)};
  } catch (const value_error&) {
    return {};
  }
}

std::vector<socket_address> interleave_families(std::vector<socket_address> addresses) {
  if (addresses.size() < 3) return addresses;
  std::vector<socket_address> first, other;
  const address_family lead = addresses.front().family();
  for (auto& a : addresses) (a.family() == lead ? first : other).push_back(a);
  std::vector<socket_address> out;
  out.reserve(addresses.size());
  for (std::size_t i = 0; i < first.size() || i < other.size(); ++i) {
    if (i < first.size()) out.push_back(first[i]);
    if (i < other.size()) out.push_back(other[i]);
  }
  return out;
}

}  // namespace braid::asyncio::detail
