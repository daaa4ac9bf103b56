#include "detail/wire.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

constexpr std::size_t max_fds = max_message_fds;

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
    throw transfer_error("braid::multiprocessing: a message may carry at most " +
                         std::to_string(max_fds) + " descriptors, not " +
                         std::to_string(fds.size()));
  }
  header h{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(fds.size()), id, body.size()};
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

namespace braid::multiprocessing::detail {

message_reader::~message_reader() {
  for (int fd : pending_fds_) ::close(fd);
}

// Appends what one recvmsg brings (at least one byte, or false: end of stream, error, or
// nothing there yet when not blocking).
bool message_reader::fill(int fd, bool block, std::size_t want) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0) {  // keep the partial message at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Room for the whole message, so a large body is read once, straight into place.
  const std::size_t capacity = std::max<std::size_t>(want, std::size_t{64} << 10);
  if (buf_.size() < capacity) buf_.resize(capacity);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_fds)];
  iovec iov{buf_.data() + end_, buf_.size() - end_};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t r;
  do {
    r = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | (block ? 0 : MSG_DONTWAIT));
  } while (r < 0 && errno == EINTR);
  if (r < 0) return false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      pending_fds_.push_back(received);
    }
  }
  if (r == 0) {
    errno = 0;  // the end of the stream, not "try again"
    return false;
  }
  drained_ = static_cast<std::size_t>(r) < iov.iov_len;
  end_ += static_cast<std::size_t>(r);
  return true;
}

message_reader::status message_reader::next(int fd, bool block, header& h, std::string_view& body,
                                            std::vector<int>* fds) {
  for (;;) {
    const std::size_t have = end_ - begin_;
    std::size_t want = sizeof h;
    if (have >= sizeof h) {
      std::memcpy(&h, buf_.data() + begin_, sizeof h);
      want += h.size;
      if (have >= want) {
        body = std::string_view(buf_.data() + begin_ + sizeof h, h.size);
        begin_ += want;
        const std::size_t n = std::min<std::size_t>(h.fds, pending_fds_.size());
        for (std::size_t i = 0; i < n; ++i) {
          if (fds != nullptr) {
            fds->push_back(pending_fds_[i]);
          } else {
            ::close(pending_fds_[i]);
          }
        }
        pending_fds_.erase(pending_fds_.begin(),
                           pending_fds_.begin() + static_cast<std::ptrdiff_t>(n));
        return status::message;
      }
    }
    if (!block && drained_) return status::need_more;
    if (!fill(fd, block, want)) {
      if (!block && (errno == EAGAIN || errno == EWOULDBLOCK)) return status::need_more;
      return status::closed;
    }
  }
}

}  // namespace braid::multiprocessing::detail
