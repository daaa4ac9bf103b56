#include "braid/asyncio/socket_address.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "braid/error.hpp"

namespace braid::asyncio {

static_assert(sizeof(::sockaddr_storage) <= socket_address::capacity());
static_assert(static_cast<int>(address_family::unix_domain) == AF_UNIX);
static_assert(static_cast<int>(address_family::ipv4) == AF_INET);
static_assert(static_cast<int>(address_family::ipv6) == AF_INET6);

socket_address::socket_address() noexcept {
  std::memset(storage_, 0, sizeof storage_);
}

socket_address socket_address::from_ip(std::string_view host, std::uint16_t port) {
  socket_address a;
  std::string h(host);
  auto* v4 = reinterpret_cast<::sockaddr_in*>(a.storage_);
  if (::inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    a.len_ = sizeof(::sockaddr_in);
    return a;
  }
  std::string zone;
  if (auto pct = h.find('%'); pct != std::string::npos) {
    zone = h.substr(pct + 1);
    h.resize(pct);
  }
  auto* v6 = reinterpret_cast<::sockaddr_in6*>(a.storage_);
  if (::inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    if (!zone.empty()) {
      const unsigned index = ::if_nametoindex(zone.c_str());
      if (index == 0) throw value_error("unknown IPv6 zone: " + zone);
      v6->sin6_scope_id = index;
    }
    a.len_ = sizeof(::sockaddr_in6);
    return a;
  }
  throw value_error("not a numeric IP address: " + std::string(host));
}

socket_address socket_address::from_unix_path(std::string_view path) {
  socket_address a;
  auto* un = reinterpret_cast<::sockaddr_un*>(a.storage_);
  if (path.empty() || path.size() >= sizeof un->sun_path)
    throw value_error("a Unix socket path must have 1 to 107 bytes");
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  // An abstract name's length is exact; a path's includes its terminating zero.
  const bool abstract = path[0] == '\0';
  a.len_ =
      static_cast<unsigned>(offsetof(::sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));
  return a;
}

socket_address socket_address::from_sockaddr(const ::sockaddr* addr, unsigned len) {
  if (len > capacity() || len < sizeof(::sa_family_t))
    throw value_error("bad socket address length");
  const int f = addr->sa_family;
  if (f != AF_INET && f != AF_INET6 && f != AF_UNIX)
    throw value_error("unsupported address family");
  socket_address a;
  std::memcpy(a.storage_, addr, len);
  a.len_ = len;
  return a;
}

address_family socket_address::family() const noexcept {
  if (len_ < sizeof(::sa_family_t)) return address_family::unspecified;
  return static_cast<address_family>(reinterpret_cast<const ::sockaddr*>(storage_)->sa_family);
}

std::string socket_address::host() const {
  char buf[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = {};
  switch (family()) {
    case address_family::ipv4:
      ::inet_ntop(AF_INET, &reinterpret_cast<const ::sockaddr_in*>(storage_)->sin_addr, buf,
                  sizeof buf);
      return buf;
    case address_family::ipv6: {
      const auto* v6 = reinterpret_cast<const ::sockaddr_in6*>(storage_);
      ::inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
      std::string h = buf;
      char name[IF_NAMESIZE] = {};
      if (v6->sin6_scope_id != 0 && ::if_indextoname(v6->sin6_scope_id, name))
        h += std::string("%") + name;
      return h;
    }
    case address_family::unix_domain: {
      const auto* un = reinterpret_cast<const ::sockaddr_un*>(storage_);
      const std::size_t off = offsetof(::sockaddr_un, sun_path);
      if (len_ <= off) return {};  // unnamed (a socketpair end, an unbound client)
      std::size_t n = len_ - off;
      if (un->sun_path[0] != '\0') n = ::strnlen(un->sun_path, n);
      return std::string(un->sun_path, n);
    }
    default:
      return {};
  }
}

std::uint16_t socket_address::port() const noexcept {
  switch (family()) {
    case address_family::ipv4:
      return ntohs(reinterpret_cast<const ::sockaddr_in*>(storage_)->sin_port);
    case address_family::ipv6:
      return ntohs(reinterpret_cast<const ::sockaddr_in6*>(storage_)->sin6_port);
    default:
      return 0;
  }
}

std::string socket_address::to_string() const {
  switch (family()) {
    case address_family::ipv4:
      return host() + ":" + std::to_string(port());
    case address_family::ipv6:
      return "[" + host() + "]:" + std::to_string(port());
    default:
      return host();
  }
}

socket_address socket_address::with_port(std::uint16_t port) const noexcept {
  socket_address a = *this;
  if (family() == address_family::ipv4)
    reinterpret_cast<::sockaddr_in*>(a.storage_)->sin_port = htons(port);
  else if (family() == address_family::ipv6)
    reinterpret_cast<::sockaddr_in6*>(a.storage_)->sin6_port = htons(port);
  return a;
}

const ::sockaddr* socket_address::data() const noexcept {
  return reinterpret_cast<const ::sockaddr*>(storage_);
}
::sockaddr* socket_address::data() noexcept {
  return reinterpret_cast<::sockaddr*>(storage_);
}

void socket_address::resize(unsigned len) noexcept {
  len_ = len > capacity() ? capacity() : len;
}

bool operator==(const socket_address& a, const socket_address& b) noexcept {
  return a.len_ == b.len_ && std::memcmp(a.storage_, b.storage_, a.len_) == 0;
}

}  // namespace braid::asyncio
