// The non-blocking system call behind each io_kind, shared by both backends (epoll runs it when
// the descriptor is ready; io_uring runs it as the eager attempt before submitting).

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "backend/backend.hpp"

namespace braid::asyncio::detail {

namespace {
long result_of(long r) noexcept {
  return r < 0 ? -errno : r;
}

long finish_connect(int fd) noexcept {
  int error = 0;
  socklen_t len = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0) return -errno;
  if (error != 0) return -error;
  // Writable can be reported before the handshake ends (an unconnected socket is writable):
  // only a peer address says the connection is there.
  ::sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<::sockaddr*>(&peer), &peer_len) < 0) {
    return errno == ENOTCONN ? -EAGAIN : -errno;
  }
  return 0;
}
long perform_once(io_operation& op) noexcept;
}  // namespace

long poll_now(int fd, bool write) noexcept {
  ::pollfd p{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  const int n = ::poll(&p, 1, 0);
  if (n < 0) return -errno;
  if (p.revents & POLLNVAL) return -EBADF;
  return n == 0 ? -EAGAIN : 0;
}

namespace {
long perform_once(io_operation& op) noexcept {
  switch (op.kind) {
    case io_kind::poll_in:
      return poll_now(op.fd, false);
    case io_kind::poll_out:
      return poll_now(op.fd, true);
    case io_kind::accept: {
      auto len = static_cast<socklen_t>(op.addrlen);
      const int fd = ::accept4(op.fd, static_cast<::sockaddr*>(op.addr), op.addr ? &len : nullptr,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) op.addrlen = len;
      return result_of(fd);
    }
    case io_kind::connect: {
      if (op.progress == 0) {
        op.progress = 1;
        if (::connect(op.fd, static_cast<const ::sockaddr*>(op.addr),
                      static_cast<socklen_t>(op.addrlen)) == 0) {
          return 0;
        }
        if (errno == EINPROGRESS || errno == EINTR) return -EAGAIN;
        return -errno;
      }
      return finish_connect(op.fd);
    }
    case io_kind::recv:
      return result_of(::recv(op.fd, op.buffer, op.length, op.flags));
    case io_kind::send:
      return result_of(::send(op.fd, op.buffer, op.length, op.flags | MSG_NOSIGNAL));
    case io_kind::recvmsg:
      return result_of(::recvmsg(op.fd, static_cast<::msghdr*>(op.msg), op.flags));
    case io_kind::sendmsg:
      return result_of(::sendmsg(op.fd, static_cast<::msghdr*>(op.msg), op.flags | MSG_NOSIGNAL));
    case io_kind::read:
      return result_of(::read(op.fd, op.buffer, op.length));
    case io_kind::write:
      return result_of(::write(op.fd, op.buffer, op.length));
  }
  return -EINVAL;
}
}  // namespace

long perform_now(io_operation& op) noexcept {
  // A signal interrupting a non-blocking call says nothing about readiness: retry at once
  // (waiting for the next edge instead could wait forever).
  long r;
  do {
    r = perform_once(op);
  } while (r == -EINTR);
  return r;
}

}  // namespace braid::asyncio::detail
