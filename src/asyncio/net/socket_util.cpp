#include "net/socket_util.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "braid/error.hpp"

namespace braid::asyncio::detail {

int open_socket(address_family family, int type) {
  const int fd = ::socket(static_cast<int>(family), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw os_error(errno, "socket");
  return fd;
}

socket_guard::~socket_guard() {
  if (fd_ >= 0) ::close(fd_);
}

void enable_option(int fd, int level, int name, const char* what) {
  const int one = 1;
  if (::setsockopt(fd, level, name, &one, sizeof one) < 0) {
    throw os_error(errno, std::string("setsockopt(") + what + ")");
  }
}

void bind_to(int fd, const socket_address& address) {
  if (::bind(fd, address.data(), address.size()) < 0) {
    throw os_error(errno, "bind " + address.to_string());
  }
}

socket_address local_address_of(int fd) noexcept {
  socket_address a;
  socklen_t len = socket_address::capacity();
  a.resize(::getsockname(fd, a.data(), &len) == 0 ? len : 0);
  return a;
}

socket_address peer_address_of(int fd) noexcept {
  socket_address a;
  socklen_t len = socket_address::capacity();
  a.resize(::getpeername(fd, a.data(), &len) == 0 ? len : 0);
  return a;
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
