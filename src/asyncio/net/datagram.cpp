#include "braid/asyncio/datagram.hpp"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "net/socket_util.hpp"

namespace braid::asyncio {

namespace detail {
struct datagram_state {
  event_loop* loop = nullptr;
  int fd = -1;
  socket_address local;
  socket_address remote;
  ~datagram_state() { close(); }
  void close() noexcept {
    if (fd < 0) return;
    loop_access::detach_fd(*loop, fd);  // waiting operations complete as cancelled
    ::close(fd);
    fd = -1;
  }
};
}  // namespace detail

namespace {
detail::datagram_state& checked(const std::shared_ptr<detail::datagram_state>& s) {
  if (!s) throw invalid_state_error("this datagram_endpoint is empty");
  if (s->fd < 0) throw invalid_state_error("the datagram endpoint is closed");
  return *s;
}

task<void> send_one(std::shared_ptr<detail::datagram_state> keep, std::string_view data,
                    const socket_address* to) {
  detail::datagram_state& s = checked(keep);
  ::iovec iov{const_cast<char*>(data.data()), data.size()};
  ::msghdr msg{};
  if (to) {
    msg.msg_name = const_cast<::sockaddr*>(to->data());
    msg.msg_namelen = to->size();
  }
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  const long r = co_await detail::msg_op(s.fd, &msg, true);
  if (r < 0) throw_connection_error(static_cast<int>(-r), "sendto", to ? *to : s.remote);
}
}  // namespace

task<void> datagram_endpoint::send_to(std::string_view data, socket_address to) {
  co_await send_one(s_, data, &to);
}

task<void> datagram_endpoint::send(std::string_view data) {
  co_await send_one(s_, data, nullptr);
}

task<datagram> datagram_endpoint::recv_from(std::size_t max_size) {
  auto keep = s_;
  detail::datagram_state& s = checked(keep);
  datagram d;
  d.data.resize(max_size);
  ::iovec iov{d.data.data(), d.data.size()};
  ::msghdr msg{};
  msg.msg_name = d.sender.data();
  msg.msg_namelen = socket_address::capacity();
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  const long r = co_await detail::msg_op(s.fd, &msg, false);
  if (r < 0) {
    if (r == -ECANCELED || s.fd < 0) {  // closed while waiting
      d.data.clear();
      co_return d;
    }
    throw_connection_error(static_cast<int>(-r), "recvfrom", s.remote);
  }
  d.data.resize(static_cast<std::size_t>(r));
  d.sender.resize(msg.msg_namelen);
  d.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  co_return d;
}

task<std::string> datagram_endpoint::recv(std::size_t max_size) {
  datagram d = co_await recv_from(max_size);
  co_return std::move(d.data);
}

socket_address datagram_endpoint::local_address() const noexcept {
  return s_ ? s_->local : socket_address();
}
void datagram_endpoint::close() noexcept {
  if (s_) s_->close();
}
bool datagram_endpoint::is_closed() const noexcept {
  return !s_ || s_->fd < 0;
}

task<datagram_endpoint> create_datagram_endpoint(datagram_options o) {
  if (!o.local_address && !o.remote_address) {
    throw value_error("create_datagram_endpoint needs a local or a remote address");
  }
  const address_family family = (o.local_address ? *o.local_address : *o.remote_address).family();
  detail::socket_guard fd(detail::open_socket(family, SOCK_DGRAM));
  if (o.reuse_address) detail::enable_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
  if (o.reuse_port) detail::enable_option(fd.get(), SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT");
  if (o.allow_broadcast) detail::enable_option(fd.get(), SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST");
  if (o.local_address) detail::bind_to(fd.get(), *o.local_address);
  // Connecting a datagram socket never blocks: it only sets the default peer.
  if (o.remote_address &&
      ::connect(fd.get(), o.remote_address->data(), o.remote_address->size()) < 0) {
    throw os_error(errno, "connect " + o.remote_address->to_string());
  }
  auto s = std::make_shared<detail::datagram_state>();
  s->loop = &event_loop::running();
  s->local = detail::local_address_of(fd.get());
  if (o.remote_address) s->remote = *o.remote_address;
  s->fd = fd.release();
  detail::loop_access::attach_fd(*s->loop, s->fd);
  co_return datagram_endpoint(s);
}

}  // namespace braid::asyncio
