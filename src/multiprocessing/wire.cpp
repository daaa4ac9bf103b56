#include "detail/wire.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <string>

#include "braid/error.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

constexpr std::size_t max_fds = max_message_fds;

ssize_t system_recvmsg(int fd, msghdr* msg, int flags) {
  return ::recvmsg(fd, msg, flags);
}
ssize_t system_sendmsg(int fd, const msghdr* msg, int flags) {
  return ::sendmsg(fd, msg, flags);
}
constexpr wire_io system_io{system_recvmsg, system_sendmsg};
std::atomic<const wire_io*> current_io{&system_io};

const wire_io& io() noexcept {
  return *current_io.load(std::memory_order_acquire);
}

ssize_t send_some(int fd, const msghdr* msg) {
  ssize_t w;
  do {
    w = io().sendmsg(fd, msg, MSG_NOSIGNAL);
  } while (w < 0 && errno == EINTR);
  return w;
}

ssize_t recv_some(int fd, msghdr* msg, int flags) {
  ssize_t r;
  do {
    r = io().recvmsg(fd, msg, flags);
  } while (r < 0 && errno == EINTR);
  return r;
}

bool send_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    iovec iov{const_cast<char*>(p), n};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t w = send_some(fd, &msg);
    if (w < 0) {
      if (errno == EPIPE || errno == ECONNRESET) return false;
      throw os_error(errno, "braid::multiprocessing: send to a worker");
    }
    p += w;
    n -= std::min(n, static_cast<std::size_t>(w));
  }
  return true;
}

bool recv_all(int fd, char* p, std::size_t n) {
  while (n > 0) {
    iovec iov{p, n};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t r = recv_some(fd, &msg, 0);
    if (r <= 0) return false;
    p += r;
    n -= std::min(n, static_cast<std::size_t>(r));
  }
  return true;
}

// Takes the descriptors a recvmsg brought (closing any beyond what a message may carry).
void collect_fds(msghdr& msg, std::vector<int>* out) {
  if ((msg.msg_flags & MSG_CTRUNC) != 0 && msg.msg_controllen == 0) return;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    if (c->cmsg_len < CMSG_LEN(0)) continue;
    const std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < n; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
      if (out != nullptr) {
        out->push_back(received);
      } else {
        ::close(received);
      }
    }
  }
}

bool valid_header(const header& h) noexcept {
  return h.kind >= static_cast<std::uint32_t>(kind::hello) &&
         h.kind <= static_cast<std::uint32_t>(kind::fatal) && h.fds <= max_fds &&
         h.size <= max_message_size;
}

}  // namespace

const wire_io& system_wire_io() noexcept {
  return system_io;
}

const wire_io* set_wire_io(const wire_io* replacement) noexcept {
  return current_io.exchange(replacement != nullptr ? replacement : &system_io,
                             std::memory_order_acq_rel);
}

bool send_message(int fd, kind k, std::uint64_t id, std::string_view body,
                  const std::vector<int>& fds) {
  if (fds.size() > max_fds) {
    throw transfer_error("braid::multiprocessing: a message may carry at most " +
                         std::to_string(max_fds) + " descriptors, not " +
                         std::to_string(fds.size()));
  }
  if (body.size() > max_message_size) {
    throw transfer_error("braid::multiprocessing: a message may carry at most " +
                         std::to_string(max_message_size) + " bytes, not " +
                         std::to_string(body.size()));
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
  const ssize_t w = send_some(fd, &msg);
  if (w < 0) {
    if (errno == EPIPE || errno == ECONNRESET) return false;
    throw os_error(errno, "braid::multiprocessing: send to a worker");
  }
  // The rest (if the socket took only part) goes without descriptors.
  std::size_t sent = std::min(static_cast<std::size_t>(w), sizeof h + body.size());
  if (sent < sizeof h) {
    if (!send_all(fd, reinterpret_cast<const char*>(&h) + sent, sizeof h - sent)) return false;
    sent = 0;
  } else {
    sent -= sizeof h;
  }
  return send_all(fd, body.data() + sent, body.size() - sent);
}

void append_frame(std::string& out, kind k, std::uint64_t id, std::string_view body) {
  if (body.size() > max_message_size) {
    throw transfer_error("braid::multiprocessing: a message may carry at most " +
                         std::to_string(max_message_size) + " bytes, not " +
                         std::to_string(body.size()));
  }
  const header h{static_cast<std::uint32_t>(k), 0, id, body.size()};
  out.append(reinterpret_cast<const char*>(&h), sizeof h);
  out.append(body);
}

bool send_bytes(int fd, std::string_view bytes) {
  return send_all(fd, bytes.data(), bytes.size());
}

bool recv_message(int fd, header& h, std::string& body, std::vector<int>* fds) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_fds)];
  iovec iov{&h, sizeof h};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t r = recv_some(fd, &msg, MSG_CMSG_CLOEXEC);
  if (r <= 0) return false;
  std::vector<int> received;
  collect_fds(msg, &received);
  const auto drop = [&] {
    for (int d : received) ::close(d);
    return false;
  };
  const std::size_t got = std::min(static_cast<std::size_t>(r), sizeof h);
  if (got < sizeof h && !recv_all(fd, reinterpret_cast<char*>(&h) + got, sizeof h - got)) {
    return drop();
  }
  // Its descriptors ride on the header's first byte: all came with the first read.
  if (!valid_header(h) || h.fds != received.size()) return drop();
  // Grown as bytes arrive, never to a size the header merely claims.
  body.clear();
  for (auto left = static_cast<std::size_t>(h.size); left > 0;) {
    const std::size_t step = std::min(left, std::size_t{1} << 20);
    const std::size_t at = body.size();
    body.resize(at + step);
    if (!recv_all(fd, body.data() + at, step)) return drop();
    left -= step;
  }
  if (fds != nullptr) {
    fds->insert(fds->end(), received.begin(), received.end());
  } else {
    for (int d : received) ::close(d);
  }
  return true;
}

}  // namespace braid::multiprocessing::detail

namespace braid::multiprocessing::detail {

bool message_reader::has_message() const noexcept {
  header h;
  if (corrupt_ || end_ - begin_ < sizeof h) return false;
  std::memcpy(&h, buf_.data() + begin_, sizeof h);
  return valid_header(h) && end_ - begin_ >= sizeof h + h.size;
}

message_reader::~message_reader() {
  for (int fd : pending_fds_) ::close(fd);
}

// Appends what one recvmsg brings (at least one byte, or false: end of stream, error, or
// nothing there yet when not blocking). Throws std::bad_alloc.
bool message_reader::fill(int fd, bool block, std::size_t want) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0) {  // keep the partial message at the front
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // Room for the whole message, so a large body is read once, straight into place; but no more
  // than 1 MiB beyond what has arrived, so memory grows only with the bytes actually sent,
  // whatever size a header announces.
  const std::size_t capacity = std::max<std::size_t>(
      std::min<std::size_t>(want, end_ + (std::size_t{1} << 20)), std::size_t{64} << 10);
  if (buf_.size() < capacity) buf_.resize(capacity);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * max_fds)];
  iovec iov{buf_.data() + end_, buf_.size() - end_};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t r = recv_some(fd, &msg, MSG_CMSG_CLOEXEC | (block ? 0 : MSG_DONTWAIT));
  if (r < 0) return false;
  collect_fds(msg, &pending_fds_);
  if (r == 0) {
    errno = 0;  // the end of the stream, not "try again"
    return false;
  }
  const std::size_t got = std::min(static_cast<std::size_t>(r), iov.iov_len);
  drained_ = got < iov.iov_len;
  end_ += got;
  return true;
}

message_reader::status message_reader::next(int fd, bool block, header& h, std::string_view& body,
                                            std::vector<int>* fds) {
  if (corrupt_) return status::corrupt;
  try {
    for (;;) {
      const std::size_t have = end_ - begin_;
      std::size_t want = sizeof h;
      if (have >= sizeof h) {
        std::memcpy(&h, buf_.data() + begin_, sizeof h);
        // Descriptors ride on a header's first byte, so its own have all arrived by now.
        if (!valid_header(h) || h.fds > pending_fds_.size()) {
          corrupt_ = true;
          return status::corrupt;
        }
        want += static_cast<std::size_t>(h.size);
        if (have >= want) {
          body =
              std::string_view(buf_.data() + begin_ + sizeof h, static_cast<std::size_t>(h.size));
          begin_ += want;
          const std::size_t n = h.fds;
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
  } catch (const std::bad_alloc&) {  // no room for the body it announces
    corrupt_ = true;
    return status::corrupt;
  }
}

}  // namespace braid::multiprocessing::detail
