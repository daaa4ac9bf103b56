#pragma once
/// \file
/// braid::asyncio::socket_address: an IPv4, IPv6 or Unix-domain socket address (what Python
/// passes around as `(host, port)` tuples and path strings), with the numeric host and port
/// readable and the raw `sockaddr` available for system calls.

#include <cstdint>
#include <string>
#include <string_view>

struct sockaddr;

namespace braid::asyncio {

/// An address family, as the system defines them (AF_INET, AF_INET6, AF_UNIX).
enum class address_family : int { unspecified = 0, unix_domain = 1, ipv4 = 2, ipv6 = 10 };

/// A socket address held by value (it fits any family). Copyable; never allocates.
/// Thread-safe for concurrent reads.
class socket_address {
 public:
  /// An empty address (family() is unspecified). Never throws.
  socket_address() noexcept;

  /// Parses a numeric IPv4 or IPv6 host ("127.0.0.1", "::1", "fe80::1%lo") with a port. Throws
  /// value_error when `host` is not a numeric address (names go through asyncio::resolve).
  static socket_address from_ip(std::string_view host, std::uint16_t port);
  /// A Unix-domain socket path; a path starting with '\0' is Linux's abstract namespace. Throws
  /// value_error when the path does not fit in sun_path (107 bytes).
  static socket_address from_unix_path(std::string_view path);
  /// Copies `len` bytes of a system address. Throws value_error when `len` is larger than any
  /// address or the family is not one of address_family.
  static socket_address from_sockaddr(const ::sockaddr* addr, unsigned len);

  address_family family() const noexcept;
  /// The numeric host ("127.0.0.1", "::1"); for a Unix address, the path. Throws std::bad_alloc.
  std::string host() const;
  /// The port (0 for a Unix address). Never throws.
  std::uint16_t port() const noexcept;
  /// "127.0.0.1:8080", "[::1]:8080", or the Unix path. Throws std::bad_alloc.
  std::string to_string() const;
  /// The same address with another port (IP families only; unchanged otherwise). Never throws.
  socket_address with_port(std::uint16_t port) const noexcept;

  /// The system form, for bind/connect/sendto. Never throws.
  const ::sockaddr* data() const noexcept;
  ::sockaddr* data() noexcept;
  unsigned size() const noexcept { return len_; }
  /// Sets the length after a system call filled data() (accept, getsockname, recvfrom). Never
  /// throws; lengths beyond capacity() are clamped.
  void resize(unsigned len) noexcept;
  static constexpr unsigned capacity() noexcept { return sizeof(storage_); }

  friend bool operator==(const socket_address& a, const socket_address& b) noexcept;

 private:
  // Big enough and aligned for sockaddr_storage (128 bytes, 8-aligned), without including it.
  alignas(8) unsigned char storage_[128];
  unsigned len_ = 0;
};

}  // namespace braid::asyncio
