// open_connection: resolve, then race the addresses (Happy Eyeballs, RFC 8305).

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include "braid/asyncio/detail/socket_ops.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/streams.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/asyncio/timeout.hpp"
#include "net/resolve_hook.hpp"
#include "net/socket_util.hpp"
#include "net/stream_state.hpp"

namespace braid::asyncio {

namespace {

task<int> connect_one(socket_address address, std::optional<socket_address> local) {
  detail::socket_guard owned(detail::open_socket(address.family(), SOCK_STREAM));
  const int s = owned.get();
  if (local) detail::bind_to(s, *local);
  const long r = co_await detail::connect_op(s, address.data(), address.size());
  if (r < 0) throw_connection_error(static_cast<int>(-r), "connect to", address);
  co_return owned.release();
}

// The shared record of one race.
struct race {
  event changed;
  int winner = -1;
  std::size_t failed = 0;
  std::exception_ptr last_error;
};

task<void> attempt(race& r, socket_address address, std::optional<socket_address> local) {
  try {
    const int fd = co_await connect_one(address, local);
    if (r.winner < 0) {
      r.winner = fd;
    } else {
      ::close(fd);  // lost the race by a hair
    }
  } catch (const cancelled_error&) {
    throw;
  } catch (...) {
    r.last_error = std::current_exception();
    ++r.failed;
  }
  r.changed.set();
}

// Waits for news of the race for up to `delay`; false if the delay passed.
task<bool> wait_news(race& r, std::chrono::nanoseconds delay) {
  r.changed.clear();
  try {
    co_await wait_for(r.changed.wait(), delay);
  } catch (const timeout_error&) {
    co_return false;
  }
  co_return true;
}

task<int> race_addresses(std::vector<socket_address> addresses, connect_options options) {
  if (addresses.size() == 1) co_return co_await connect_one(addresses[0], options.local_address);
  race r;
  std::vector<task_handle<void>> attempts;
  std::exception_ptr interrupted;
  try {
    for (std::size_t i = 0; i < addresses.size() && r.winner < 0; ++i) {
      attempts.push_back(create_task(attempt(r, addresses[i], options.local_address)));
      if (i + 1 == addresses.size()) break;
      const std::size_t failed_before = r.failed;
      // The next attempt starts after the delay, or at once when one fails.
      while (r.winner < 0 && r.failed == failed_before) {
        const bool news = co_await wait_news(r, options.happy_eyeballs_delay);
        if (!news) break;
      }
    }
    while (r.winner < 0 && r.failed < attempts.size()) {
      r.changed.clear();
      co_await r.changed.wait();
    }
  } catch (...) {
    interrupted = std::current_exception();  // cancelled: stop the attempts, then rethrow
  }
  for (auto& a : attempts) a.cancel();
  for (auto& a : attempts) {
    try {
      co_await a;
    } catch (...) {  // cancelled attempts: their sockets are closed
    }
  }
  if (interrupted) {
    if (r.winner >= 0) ::close(r.winner);
    std::rethrow_exception(interrupted);
  }
  if (r.winner < 0) std::rethrow_exception(r.last_error);
  co_return r.winner;
}

task<int> connect_with_timeout(std::vector<socket_address> addresses, connect_options options) {
  if (options.timeout.count() <= 0)
    co_return co_await race_addresses(std::move(addresses), options);
  const socket_address first = addresses.front();
  try {
    co_return co_await wait_for(race_addresses(std::move(addresses), options), options.timeout);
  } catch (const timeout_error&) {
  }
  throw connection_timeout_error(ETIMEDOUT, "connect to", first);
}

// The pair for a connected socket, after the TLS handshake if one is asked for.
task<stream_pair> make_pair(int fd, const connect_options& options, std::string host) {
  auto s = detail::make_stream(event_loop::running(), fd, options.limit, options.tcp_nodelay);
  stream_pair pair{stream_reader(s), stream_writer(s)};
  if (options.ssl) {
    tls_options t{
        .server_hostname = options.server_hostname.empty() ? host : options.server_hostname,
        .ssl_handshake_timeout = options.ssl_handshake_timeout,
        .ssl_shutdown_timeout = options.ssl_shutdown_timeout};
    co_await start_tls(pair.first, pair.second, *options.ssl, t);  // a failure closes the socket
  }
  co_return pair;
}

}  // namespace

task<stream_pair> open_connection(std::string host, std::uint16_t port, connect_options options) {
  std::vector<socket_address> addresses = detail::literal_addresses(host, port);
  if (addresses.empty()) addresses = co_await detail::resolve_for_connect(host, port);
  if (addresses.empty()) throw value_error("no address for " + host);
  const int fd =
      co_await connect_with_timeout(detail::interleave_families(std::move(addresses)), options);
  co_return co_await make_pair(fd, options, host);
}

task<stream_pair> open_connection(socket_address address, connect_options options) {
  std::vector<socket_address> one{address};
  const int fd = co_await connect_with_timeout(std::move(one), options);
  co_return co_await make_pair(fd, options, address.host());
}

task<stream_pair> open_unix_connection(std::string path, connect_options options) {
  std::vector<socket_address> one{socket_address::from_unix_path(path)};
  const int fd = co_await connect_with_timeout(std::move(one), options);
  co_return co_await make_pair(fd, options, std::string());
}

}  // namespace braid::asyncio

namespace braid::asyncio {
// The overloads without options: named defaults, never a braced temporary (see streams.hpp).
task<stream_pair> open_connection(std::string host, std::uint16_t port) {
  const connect_options defaults;
  co_return co_await open_connection(std::move(host), port, defaults);
}
task<stream_pair> open_connection(socket_address address) {
  const connect_options defaults;
  co_return co_await open_connection(address, defaults);
}
task<stream_pair> open_unix_connection(std::string path) {
  const connect_options defaults;
  co_return co_await open_unix_connection(std::move(path), defaults);
}
}  // namespace braid::asyncio
