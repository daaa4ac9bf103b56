#include "detail/wire.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace braid::multiprocessing::detail {
namespace {

constexpr std::size_t max_fds = 64;

bool send_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET) return false;
      throw std::system_error(errno, std::generic_category(), "braid: send to a worker");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool recv_all(int fd, char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

}  // namespace

bool send_message(int fd, kind k, std::uint64_t id, std::string_view body,
                  const std::vector<int>& fds) {
  if (fds.size() > max_fds) {
    throw std::system_error(E2BIG, std::generic_category(), "braid: too many descriptors");
  }
  header h{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(fds.size()), id,
           body.size()};
  iovec iov[2];
  iov[0].iov_base = &h;
  iov[0].iov_len = sizeof h;
  iov[1].iov_base = const_cast<char*>(body.data());
  iov[1].iov_len = body.size();
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = body.empty() ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_fds)];
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t w;
  do {
    w = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  if (w < 0) {
    if (errno == EPIPE || errno == ECONNRESET) return false;
    throw std::system_error(errno, std::generic_category(), "braid: send to a worker");
  }
  // The rest (if the socket took only part) goes without descriptors.
  std::size_t sent = static_cast<std::size_t>(w);
  if (sent < sizeof h) {
    if (!send_all(fd, reinterpret_cast<const char*>(&h) + sent, sizeof h - sent)) return false;
    sent = 0;
  } else {
    sent -= sizeof h;
  }
  return send_all(fd, body.data() + sent, body.size() - sent);
}

bool recv_message(int fd, header& h, std::string& body, std::vector<int>* fds) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_fds)];
  iovec iov{&h, sizeof h};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do {
    r = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (r < 0 && errno == EINTR);
  if (r <= 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (fds != nullptr) {
        fds->push_back(received);
      } else {
        ::close(received);
      }
    }
  }
  if (static_cast<std::size_t>(r) < sizeof h &&
      !recv_all(fd, reinterpret_cast<char*>(&h) + r, sizeof h - static_cast<std::size_t>(r))) {
    return false;
  }
  body.resize(h.size);
  return recv_all(fd, body.data(), body.size());
}

}  // namespace braid::multiprocessing::detail
