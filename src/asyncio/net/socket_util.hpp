#pragma once
// Small socket helpers shared by streams, servers and datagrams. Private to src/asyncio.

#include <string>
#include <vector>

#include "braid/asyncio/socket_address.hpp"

namespace braid::asyncio::detail {

/// A non-blocking, close-on-exec socket. Throws os_error.
int open_socket(address_family family, int type);

/// Owns a socket while it is set up: closes it unless released, so a failed or cancelled setup
/// leaks no descriptor.
class socket_guard {
 public:
  explicit socket_guard(int fd) noexcept : fd_(fd) {}
  ~socket_guard();
  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

/// setsockopt(level, name, 1). Throws os_error naming `what`.
void enable_option(int fd, int level, int name, const char* what);
/// bind(2). Throws os_error naming the address.
void bind_to(int fd, const socket_address& address);
/// getsockname / getpeername; an empty address when the call fails. Never throws.
socket_address local_address_of(int fd) noexcept;
socket_address peer_address_of(int fd) noexcept;

/// The addresses a host name stands for without a DNS query: a numeric address, or
/// "localhost" (::1 then 127.0.0.1); empty for any other name.
std::vector<socket_address> literal_addresses(const std::string& host, std::uint16_t port);

/// RFC 8305's order: alternate families, starting with the first address's family.
std::vector<socket_address> interleave_families(std::vector<socket_address> addresses);

}  // namespace braid::asyncio::detail
