#pragma once
// The shared state of one app_runner: the application, the options, the listening server and
// the intrusive list of open connections the sweeper (timeouts) and shutdown walk.

#include <memory>

#include "braid/asyncio/streams.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/http/app_runner.hpp"
#include "parse/message_parser.hpp"

namespace braid::http::detail {

class server_connection;

struct server_core {
  application* app = nullptr;
  serve_options options;
  parse_limits limits;
  asyncio::server server;
  server_stats stats;
  server_connection* first = nullptr;  // open connections, newest first
  std::size_t open = 0;
  bool shutting_down = false;
  asyncio::task_handle<void> sweeper;

  // The listening server holds the connection handler, which reaches the core only through a
  // weak_ptr (a shared_ptr there was a cycle: the core owned the server that owned the core).
  // The last app_runner handle going away therefore stops accepting and stops the sweeper.
  server_core() = default;
  server_core(const server_core&) = delete;
  server_core& operator=(const server_core&) = delete;
  ~server_core() {
    server.close();
    if (sweeper) sweeper.cancel();
  }
};

/// The per-connection coroutine start_server runs.
asyncio::task<void> serve_connection(std::weak_ptr<server_core> core, asyncio::stream_reader r,
                                     asyncio::stream_writer w);
/// Closes the connections whose head, idle or body deadline passed, every `tick`.
asyncio::task<void> sweep_timeouts(std::weak_ptr<server_core> core);
/// Closes the connections that wait for a request (shutdown): in-flight ones finish first.
void close_idle_connections(server_core& core) noexcept;

}  // namespace braid::http::detail
