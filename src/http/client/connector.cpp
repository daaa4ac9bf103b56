// The connection pool: slots at the limits, idle keep-alive connections, and opening new ones
// (directly, or through a proxy's CONNECT tunnel) with the errors mapped to braid::http's.
#include <sys/socket.h>

#include <cerrno>

#include "braid/asyncio/dns_error.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/net_errors.hpp"
#include "braid/asyncio/ssl_error.hpp"
#include "braid/http/errors.hpp"
#include "client/connection.hpp"

namespace braid::http::detail {

void connection_lease::release(bool reusable) noexcept {
  if (conn_) pool_->give_back(std::move(conn_), reusable);
  pool_.reset();
}

bool connector::can_take(const std::string& key) const noexcept {
  if (options_.limit != 0 && in_use_ >= options_.limit) return false;
  if (options_.limit_per_host != 0) {
    auto it = per_host_.find(key);
    if (it != per_host_.end() && it->second >= options_.limit_per_host) return false;
  }
  return true;
}

void connector::take_slot(const std::string& key) {
  ++in_use_;
  if (options_.limit_per_host != 0) ++per_host_[key];
}

void connector::free_slot(const std::string& key) noexcept {
  --in_use_;
  if (options_.limit_per_host != 0) {
    auto it = per_host_.find(key);
    if (it != per_host_.end() && --it->second == 0) per_host_.erase(it);
  }
  // Wake the first waiter that can use the slot; it takes it when it runs (or, if someone
  // else got there first, queues again).
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (can_take(*(*it)->key)) {
      (*it)->granted = true;
      (*it)->ready.set();
      waiters_.erase(it);
      return;
    }
  }
}

namespace {
// An idle connection the server closed reads as readable (EOF or stray bytes): never reuse it.
bool looks_alive(connection& c) noexcept {
  if (c.reader.at_eof() || c.reader.buffered() != 0) return false;
  const int fd = c.writer.fileno();
  if (fd < 0) return false;
  char b;
  const ssize_t n = ::recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}
}  // namespace

std::unique_ptr<connection> connector::take_idle(const std::string& key,
                                                 bool check_alive) noexcept {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!list.empty()) {
    std::unique_ptr<connection> c = std::move(list.back());
    list.pop_back();
    --idle_count_;
    if (now - c->idle_since >= options_.keepalive_timeout) continue;  // expired: closes
    if (c->writer.is_closing() || c->reader.at_eof() || c->reader.buffered() != 0) continue;
    if (check_alive && !looks_alive(*c)) continue;
    // The newest is the likeliest alive; the oldest expire first: drop those now.
    while (!list.empty() && now - list.front()->idle_since >= options_.keepalive_timeout) {
      list.erase(list.begin());
      --idle_count_;
    }
    return c;
  }
  return nullptr;
}

asyncio::task<connection_lease> connector::acquire(const endpoint& ep, const parse_limits& limits,
                                                   std::chrono::nanoseconds sock_connect,
                                                   bool check_alive, bool fresh, bool& reused) {
  if (closed_) throw invalid_state_error("the client session is closed");
  while (!can_take(ep.key)) {
    waiter w{&ep.key, {}, false};
    auto pos = waiters_.insert(waiters_.end(), &w);
    struct unlink {
      connector& self;
      waiter& w;
      std::list<waiter*>::iterator pos;
      ~unlink() {
        if (!w.granted) self.waiters_.erase(pos);
      }
    } guard{*this, w, pos};
    co_await w.ready.wait();
    if (closed_) throw invalid_state_error("the client session is closed");
  }
  take_slot(ep.key);
  // From here the slot is ours: a lease (or this guard, on failure) gives it back.
  struct slot_guard {
    connector& self;
    const std::string& key;
    bool armed = true;
    ~slot_guard() {
      if (armed) self.free_slot(key);
    }
  } slot{*this, ep.key};
  std::unique_ptr<connection> c = fresh ? nullptr : take_idle(ep.key, check_alive);
  reused = c != nullptr;
  if (c) {
    ++reused_;
  } else {
    c = co_await open(ep, limits, sock_connect);
    c->key = ep.key;
    ++opened_;
  }
  slot.armed = false;
  co_return connection_lease(shared_from_this(), std::move(c));
}

void connector::give_back(std::unique_ptr<connection> c, bool reusable) noexcept {
  const std::string key = c->key;  // the slot's key outlives the connection
  if (reusable && !closed_ && !options_.force_close && !c->writer.is_closing()) {
    try {
      c->idle_since = std::chrono::steady_clock::now();
      idle_[key].push_back(std::move(c));
      ++idle_count_;
    } catch (...) {
      c.reset();  // no memory for the list: close it instead
    }
  } else {
    c->writer.close();
    c.reset();
  }
  free_slot(key);
}

void connector::close() noexcept {
  closed_ = true;
  for (auto& [key, list] : idle_) {
    for (auto& c : list) c->writer.close();
  }
  idle_.clear();
  idle_count_ = 0;
  for (auto* w : waiters_) {
    w->granted = true;
    w->ready.set();
  }
  waiters_.clear();
}

pool_stats connector::stats() const noexcept {
  return pool_stats{opened_, reused_, in_use_, idle_count_};
}

namespace {
// The answer to CONNECT: a response head with no body.
asyncio::task<void> open_tunnel(asyncio::stream_reader& r, asyncio::stream_writer& w,
                                const endpoint& ep, const parse_limits& limits) {
  const std::string target =
      (ep.tls_host.find(':') != std::string::npos ? "[" + ep.tls_host + "]" : ep.tls_host) + ":" +
      std::to_string(ep.tls_port);
  w.write("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
  co_await w.drain();
  message_parser p(message_kind::response, limits);
  p.expect_no_body(true);
  std::string buf(4096, '\0');
  for (;;) {
    const std::size_t n = co_await r.read_into(std::as_writable_bytes(std::span(buf)));
    if (n == 0) throw server_disconnected_error("the proxy closed the connection during CONNECT");
    auto res = p.feed(std::string_view(buf.data(), n));
    if (res.what != message_parser::event::need_more) {
      if (res.consumed != n) throw bad_response_error("data after the proxy's CONNECT answer");
      break;
    }
  }
  if (p.head().status != 200) {
    throw client_connector_error(
        ep.host, ep.port, {}, "the proxy refused CONNECT with " + std::to_string(p.head().status));
  }
}
}  // namespace

asyncio::task<std::unique_ptr<connection>> connector::open(const endpoint& ep,
                                                           const parse_limits& limits,
                                                           std::chrono::nanoseconds sock_connect) {
  asyncio::connect_options o;
  o.timeout = sock_connect;
  o.happy_eyeballs_delay = options_.happy_eyeballs_delay;
  if (ep.tls && !ep.tunnel) {
    o.ssl = ep.ssl;
    o.server_hostname = ep.tls_host;
    if (sock_connect.count() > 0) o.ssl_handshake_timeout = sock_connect;
  }
  try {
    auto [r, w] = co_await asyncio::open_connection(ep.host, ep.port, o);
    if (ep.tunnel) {
      co_await open_tunnel(r, w, ep, limits);
      asyncio::tls_options t;
      t.server_hostname = ep.tls_host;
      co_await asyncio::start_tls(r, w, *ep.ssl, t);
    }
    co_return std::make_unique<connection>(std::move(r), std::move(w), limits);
  } catch (const asyncio::ssl_certificate_error& e) {
    throw client_ssl_error(ep.host, ep.port, e.what(), e.verify_code());
  } catch (const asyncio::ssl_error& e) {
    throw client_ssl_error(ep.host, ep.port, e.what(), 0);
  } catch (const asyncio::dns_error& e) {
    throw client_connector_dns_error(ep.host, ep.port, e.what());
  } catch (const asyncio::connection_timeout_error&) {
    throw client_timeout_error(
        timeout_kind::sock_connect,
        (ep.tls ? "https://" : "http://") + ep.host + ":" + std::to_string(ep.port));
  } catch (const asyncio::connection_error& e) {
    throw client_connector_error(ep.host, ep.port, e.code(), e.what());
  } catch (const value_error& e) {
    throw client_connector_dns_error(ep.host, ep.port, e.what());
  } catch (const os_error& e) {
    throw client_connector_error(ep.host, ep.port, e.code(), e.what());
  }
}

}  // namespace braid::http::detail
