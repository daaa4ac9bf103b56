#include "braid/multiprocessing/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "braid/error.hpp"
#include "detail/wire.hpp"

namespace braid::multiprocessing {

void connection::send_bytes(std::string_view bytes) {
  if (fd_ < 0) throw transfer_error("connection::send on a closed connection");
  if (!detail::send_message(fd_, detail::kind::result, 0, bytes)) {
    throw transfer_error("connection::send: the other end is closed");
  }
}

std::string connection::recv_bytes() {
  if (fd_ < 0) throw transfer_error("connection::recv on a closed connection");
  detail::header h;
  std::string body;
  if (!detail::recv_message(fd_, h, body, nullptr)) {
    throw eof_error("connection::recv: the other end is closed");
  }
  return body;
}

bool connection::poll(std::chrono::nanoseconds timeout) const {
  if (fd_ < 0) throw transfer_error("connection::poll on a closed connection");
  pollfd p{fd_, POLLIN, 0};
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  int r;
  do {
    r = ::poll(&p, 1, static_cast<int>(ms));
  } while (r < 0 && errno == EINTR);
  return r > 0;
}

void connection::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::pair<connection, connection> pipe(bool duplex) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    throw os_error(errno, "braid::multiprocessing: pipe (socketpair)");
  }
  if (!duplex) {
    ::shutdown(sv[0], SHUT_WR);
    ::shutdown(sv[1], SHUT_RD);
  }
  return {connection(sv[0]), connection(sv[1])};
}

}  // namespace braid::multiprocessing
