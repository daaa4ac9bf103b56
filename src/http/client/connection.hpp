#pragma once
// One pooled HTTP/1.1 client connection and the pool (aiohttp's TCPConnector) that lends them.
// Internal to braid::http.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "braid/asyncio/event.hpp"
#include "braid/asyncio/streams.hpp"
#include "braid/http/client_session.hpp"
#include "parse/message_parser.hpp"

namespace braid::http::detail {

/// Where a connection goes: the pool groups connections by `key`.
struct endpoint {
  std::string key;   // scheme://host:port[ via proxy][ ssl#n]
  std::string host;  // what to connect to (the proxy when there is one)
  std::uint16_t port = 0;
  bool tls = false;            // TLS to the origin
  std::string tls_host;        // the origin's host, for SNI and the certificate
  std::uint16_t tls_port = 0;  // the origin's port (CONNECT)
  bool tunnel = false;         // https through a proxy: CONNECT first
  std::optional<asyncio::ssl_context> ssl;
};

struct connection {
  // The read buffer starts small (an idle pooled connection costs little) and doubles up to
  // max_buffer while reads fill it (a big body then takes few reads).
  static constexpr std::size_t initial_buffer = 4 * 1024, max_buffer = 64 * 1024;
  connection(asyncio::stream_reader r, asyncio::stream_writer w, const parse_limits& limits)
      : reader(std::move(r)), writer(std::move(w)), limits(limits) {
    parser.emplace(message_kind::response, limits);
    in.resize(initial_buffer);
  }
  asyncio::stream_reader reader;
  asyncio::stream_writer writer;
  std::optional<message_parser> parser;  // remade when a request sets other limits
  parse_limits limits;
  std::string in;                // the read buffer, reused for every response
  std::size_t pos = 0, len = 0;  // unparsed bytes are in[pos, len)
  std::string out;               // the request head (and a small body), reused
  std::string key;
  std::chrono::steady_clock::time_point idle_since{};
  std::uint64_t uses = 0;  // requests sent on it
};

class connector;

/// A connection lent to one request; closes it (and frees the slot) unless given back with
/// release(reusable=true).
class connection_lease {
 public:
  connection_lease() = default;
  connection_lease(std::shared_ptr<connector> pool, std::unique_ptr<connection> c) noexcept
      : pool_(std::move(pool)), conn_(std::move(c)) {}
  connection_lease(connection_lease&&) noexcept = default;
  connection_lease& operator=(connection_lease&& o) noexcept {
    if (this != &o) {
      release(false);
      pool_ = std::move(o.pool_);
      conn_ = std::move(o.conn_);
    }
    return *this;
  }
  ~connection_lease() { release(false); }
  connection* operator->() const noexcept { return conn_.get(); }
  connection& operator*() const noexcept { return *conn_; }
  explicit operator bool() const noexcept { return conn_ != nullptr; }
  void release(bool reusable) noexcept;

 private:
  std::shared_ptr<connector> pool_;
  std::unique_ptr<connection> conn_;
};

/// The pool. Limits count connections lent out (as aiohttp's): idle ones do not hold a slot.
class connector : public std::enable_shared_from_this<connector> {
 public:
  explicit connector(const connector_options& options) : options_(options) {}

  /// A connection to `ep`: an idle one when there is (`reused` true), else a new one, waiting
  /// for a slot at the limits first. `check_alive`: peek at an idle socket for an early close
  /// (for requests that cannot be retried); `fresh`: never an idle one (the retry after a
  /// stale one). Throws connector errors, as open_connection maps.
  asyncio::task<connection_lease> acquire(const endpoint& ep, const parse_limits& limits,
                                          std::chrono::nanoseconds sock_connect, bool check_alive,
                                          bool fresh, bool& reused);
  void give_back(std::unique_ptr<connection> c, bool reusable) noexcept;
  void close() noexcept;
  bool closed() const noexcept { return closed_; }
  pool_stats stats() const noexcept;

 private:
  struct waiter {
    const std::string* key;
    asyncio::event ready;
    bool granted = false;
  };
  bool can_take(const std::string& key) const noexcept;
  void take_slot(const std::string& key);
  void free_slot(const std::string& key) noexcept;
  std::unique_ptr<connection> take_idle(const std::string& key, bool check_alive) noexcept;
  asyncio::task<std::unique_ptr<connection>> open(const endpoint& ep, const parse_limits& limits,
                                                  std::chrono::nanoseconds sock_connect);

  connector_options options_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
  std::unordered_map<std::string, std::size_t> per_host_;
  std::list<waiter*> waiters_;
  std::size_t in_use_ = 0, idle_count_ = 0;
  std::uint64_t opened_ = 0, reused_ = 0;
  bool closed_ = false;
};

}  // namespace braid::http::detail
