// start_server: listening sockets, one accept loop task each, one task per connection.

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <unordered_map>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/sleep.hpp"
#include "braid/asyncio/streams.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/asyncio/timeout.hpp"
#include "braid/threading/current_thread.hpp"
#include "net/socket_util.hpp"
#include "net/stream_state.hpp"

namespace braid::asyncio {

namespace detail {
struct server_state {
  event_loop* loop = nullptr;
  connection_handler handler;
  server_options options;
  std::vector<int> listeners;
  std::vector<socket_address> addresses;
  // The running connections' tasks, by number, each removed by its own task as it ends: a
  // finished task's frame holds a reference to this state, so keeping its handle here would
  // be a reference cycle. (The accept loops are counted, not kept, for the same reason.)
  std::unordered_map<std::uint64_t, task_handle<void>> connections;
  std::uint64_t next_connection = 0;
  std::size_t active = 0;
  std::size_t accepting = 0;  // accept loops still running
  bool serving = false;
  event slot_free;
  event changed;  // closed, or a connection finished

  ~server_state() { close_listeners(); }
  void close_listeners() noexcept {
    for (int fd : listeners) {
      loop_access::detach_fd(*loop, fd);  // the pending accept completes as cancelled
      ::close(fd);
    }
    listeners.clear();
  }
};
}  // namespace detail

namespace {
using detail::server_state;

int listen_on(const socket_address& address, const server_options& o) {
  detail::socket_guard fd(detail::open_socket(address.family(), SOCK_STREAM));
  if (address.family() != address_family::unix_domain) {
    if (o.reuse_address) detail::enable_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");
    if (o.reuse_port) detail::enable_option(fd.get(), SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT");
    // "::" serves IPv6 only; IPv4 has its own socket (as Python binds both).
    if (address.family() == address_family::ipv6) {
      detail::enable_option(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");
    }
  }
  detail::bind_to(fd.get(), address);
  if (::listen(fd.get(), o.backlog) < 0) throw os_error(errno, "listen " + address.to_string());
  return fd.release();
}

task<void> serve_connection(std::shared_ptr<server_state> s, std::uint64_t id, stream_reader r,
                            stream_writer w) {
  try {
    bool handshake_failed = false;
    if (s->options.ssl) {
      try {
        const tls_options server_side{.server_side = true,
                                      .ssl_handshake_timeout = s->options.ssl_handshake_timeout,
                                      .ssl_shutdown_timeout = s->options.ssl_shutdown_timeout};
        co_await start_tls(r, w, *s->options.ssl, server_side);
      } catch (const braid::error&) {
        handshake_failed = true;  // a client that cannot speak TLS to us: close, as Python does
      }
    }
    if (handshake_failed) {
      w.abort();
    } else {
      co_await s->handler(r, w);
    }
  } catch (const cancelled_error&) {
    // shutdown() cancelled it: the connection just closes
  } catch (...) {
    threading::report_unhandled(std::current_exception(), "stream server connection handler");
  }
  w.close();
  --s->active;
  s->slot_free.set();
  s->changed.set();
  s->connections.erase(id);  // the loop keeps the running task alive; no cycle is left
}

bool temporary_accept_error(long r) noexcept {
  return r == -ECONNABORTED || r == -EINTR || r == -EPROTO || r == -EPERM;
}
bool resource_accept_error(long r) noexcept {
  return r == -EMFILE || r == -ENFILE || r == -ENOBUFS || r == -ENOMEM;
}

// Leaves the count of accept loops right however the loop ends.
struct accepting_scope {
  server_state& s;
  explicit accepting_scope(server_state& state) : s(state) { ++s.accepting; }
  ~accepting_scope() {
    --s.accepting;
    s.changed.set();
  }
  accepting_scope(const accepting_scope&) = delete;
  accepting_scope& operator=(const accepting_scope&) = delete;
};

task<void> accept_loop(std::shared_ptr<server_state> s, int fd) {
  accepting_scope scope(*s);
  while (s->serving) {
    while (s->serving && s->options.max_connections != 0 &&
           s->active >= s->options.max_connections) {
      s->slot_free.clear();
      co_await s->slot_free.wait();
    }
    if (!s->serving) break;
    socket_address peer;
    const long r = co_await detail::accept_op(fd, peer.data(), socket_address::capacity());
    if (r < 0) {
      if (!s->serving || r == -ECANCELED) break;
      if (temporary_accept_error(r)) continue;
      if (resource_accept_error(r)) {
        // Out of descriptors or memory: the connection waits in the backlog; try again soon
        // rather than spin (Python pauses accepting for a second).
        threading::report_unhandled(
            std::make_exception_ptr(os_error(static_cast<int>(-r), "accept")), "stream server");
        co_await sleep(std::chrono::milliseconds(100));
        continue;
      }
      threading::report_unhandled(std::make_exception_ptr(os_error(static_cast<int>(-r), "accept")),
                                  "stream server");
      break;
    }
    auto st = detail::make_stream(*s->loop, static_cast<int>(r), s->options.limit,
                                  s->options.tcp_nodelay);
    ++s->active;
    const std::uint64_t id = s->next_connection++;
    task_handle<void> h =
        create_task(serve_connection(s, id, stream_reader(st), stream_writer(st)));
    if (!h.done()) s->connections.emplace(id, std::move(h));
  }
}

server start(connection_handler handler, std::vector<socket_address> addresses,
             server_options options) {
  auto s = std::make_shared<server_state>();
  s->loop = &event_loop::running();
  s->handler = std::move(handler);
  s->options = options;
  std::uint16_t chosen = 0;  // port 0 on several addresses: one port for all, the first's
  for (auto a : addresses) {
    if (a.family() != address_family::unix_domain && a.port() == 0 && chosen != 0) {
      a = a.with_port(chosen);
    }
    s->listeners.push_back(listen_on(a, options));
    s->addresses.push_back(detail::local_address_of(s->listeners.back()));
    if (chosen == 0) chosen = s->addresses.back().port();
    detail::loop_access::attach_fd(*s->loop, s->listeners.back());
  }
  s->serving = true;
  for (int fd : s->listeners) {
    task_handle<void> loop = create_task(accept_loop(s, fd));  // the loop owns it; counted
    (void)loop;
  }
  return server(s);
}

}  // namespace

std::vector<socket_address> server::addresses() const {
  return s_ ? s_->addresses : std::vector<socket_address>{};
}
bool server::is_serving() const noexcept {
  return s_ && s_->serving;
}
std::size_t server::active_connections() const noexcept {
  return s_ ? s_->active : 0;
}

void server::close() noexcept {
  if (!s_ || !s_->serving) return;
  s_->serving = false;
  s_->close_listeners();
  s_->slot_free.set();
  s_->changed.set();
}

task<void> server::serve_forever() {
  auto s = s_;
  if (!s) throw invalid_state_error("this server is empty");
  try {
    while (s->serving) {
      s->changed.clear();
      co_await s->changed.wait();
    }
  } catch (const cancelled_error&) {
    server(s).close();
    throw;
  }
}

task<void> server::wait_closed() {
  auto s = s_;
  if (!s) throw invalid_state_error("this server is empty");
  // Counted rather than joined: joining an accept loop a cancelled wait_closed() had cancelled
  // would throw its cancellation again.
  while (s->serving || s->active > 0 || s->accepting > 0) {
    s->changed.clear();
    co_await s->changed.wait();
  }
}

task<std::size_t> server::shutdown(std::chrono::nanoseconds grace) {
  auto s = s_;
  if (!s) throw invalid_state_error("this server is empty");
  close();
  try {
    co_await wait_for(server(s).wait_closed(), grace);
    co_return 0;
  } catch (const timeout_error&) {
  }
  std::size_t cancelled = 0;
  // Cancelling only schedules each task, so none erases itself while this loop runs.
  for (auto& [id, c] : s->connections) {
    if (!c.done() && c.cancel()) ++cancelled;
  }
  co_await server(s).wait_closed();
  co_return cancelled;
}

task<server> start_server(connection_handler handler, std::string host, std::uint16_t port,
                          server_options options) {
  std::vector<socket_address> addresses;
  if (host.empty()) {
    addresses.push_back(socket_address::from_ip("0.0.0.0", port));
  } else {
    addresses = detail::literal_addresses(host, port);
    if (addresses.empty())
      throw value_error("start_server needs a numeric host or localhost: " + host);
  }
  co_return start(std::move(handler), std::move(addresses), options);
}

task<server> start_unix_server(connection_handler handler, std::string path,
                               server_options options) {
  // A socket file left by an earlier run would make bind fail with EADDRINUSE.
  struct stat st {};
  if (!path.empty() && path[0] != '\0' && ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) {
    ::unlink(path.c_str());
  }
  std::vector<socket_address> one{socket_address::from_unix_path(path)};
  co_return start(std::move(handler), std::move(one), options);
}

}  // namespace braid::asyncio

namespace braid::asyncio {
// The overloads without options: named defaults, never a braced temporary (see streams.hpp).
task<server> start_server(connection_handler handler, std::string host, std::uint16_t port) {
  const server_options defaults;
  co_return co_await start_server(std::move(handler), std::move(host), port, defaults);
}
task<server> start_unix_server(connection_handler handler, std::string path) {
  const server_options defaults;
  co_return co_await start_unix_server(std::move(handler), std::move(path), defaults);
}
}  // namespace braid::asyncio
