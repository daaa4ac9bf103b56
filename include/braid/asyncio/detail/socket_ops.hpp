#pragma once
/// \file
/// One awaitable per socket operation, on io_awaiter: `long r = co_await recv_op(fd, p, n)`
/// gives the system call's result or -errno. For braid's streams, servers and datagrams.

#include <cstddef>

#include "braid/asyncio/detail/io_awaiter.hpp"

namespace braid::asyncio::detail {

class socket_op final : public io_awaiter {
 public:
  socket_op(io_kind k, int socket, void* data, std::size_t size, const char* what,
            void* address = nullptr, unsigned address_length = 0, void* msghdr = nullptr) noexcept
      : io_awaiter(what) {
    kind = k;
    fd = socket;
    buffer = data;
    length = size;
    addr = address;
    addrlen = address_length;
    msg = msghdr;
  }
};

inline socket_op recv_op(int fd, void* data, std::size_t size) noexcept {
  return socket_op(io_kind::recv, fd, data, size, "recv");
}
inline socket_op send_op(int fd, const void* data, std::size_t size) noexcept {
  return socket_op(io_kind::send, fd, const_cast<void*>(data), size, "send");
}
inline socket_op read_op(int fd, void* data, std::size_t size) noexcept {
  return socket_op(io_kind::read, fd, data, size, "read");
}
inline socket_op write_op(int fd, const void* data, std::size_t size) noexcept {
  return socket_op(io_kind::write, fd, const_cast<void*>(data), size, "write");
}
/// `addr` receives the peer (capacity `addrlen`); read the length back from op.addrlen.
inline socket_op accept_op(int fd, void* addr, unsigned addrlen) noexcept {
  return socket_op(io_kind::accept, fd, nullptr, 0, "accept", addr, addrlen);
}
inline socket_op connect_op(int fd, const void* addr, unsigned addrlen) noexcept {
  return socket_op(io_kind::connect, fd, nullptr, 0, "connect", const_cast<void*>(addr), addrlen);
}
inline socket_op poll_op(int fd, bool write) noexcept {
  return socket_op(write ? io_kind::poll_out : io_kind::poll_in, fd, nullptr, 0, "poll");
}
inline socket_op msg_op(int fd, void* msghdr, bool send) noexcept {
  return socket_op(send ? io_kind::sendmsg : io_kind::recvmsg, fd, nullptr, 0,
                   send ? "sendmsg" : "recvmsg", nullptr, 0, msghdr);
}

}  // namespace braid::asyncio::detail
