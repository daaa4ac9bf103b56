#pragma once
/// \file
/// Serving an application (aiohttp's web.run_app, AppRunner and TCPSite):
///
/// - run_app(app, options): blocks; makes its own event loop (one per thread with
///   options.threads > 1, each listening with SO_REUSEPORT), serves until SIGINT or SIGTERM,
///   then shuts down gracefully.
/// - start_app(app, options) on a running loop: returns an app_runner once listening, whose
///   addresses() give the bound port (port 0 picks a free one) and whose shutdown(grace) stops.
///
/// Defaults are safe for a public port: heads within 10 s, idle keep-alive connections closed
/// after 15 s, bodies up to 1 MiB, request line 8 KiB, 100 header fields.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/ssl_context.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/http/application.hpp"

namespace braid::http {

/// One line of the access log.
struct access_log_entry {
  std::string_view remote;  ///< "host:port"
  std::string_view method;
  std::string_view target;
  int version_major = 1, version_minor = 1;
  int status = 0;
  std::uint64_t body_bytes = 0;  ///< response body bytes sent
  std::string_view referer, user_agent;
  std::chrono::nanoseconds duration{0};  ///< head received to response written
};

/// An access log callback writing aiohttp's default format to `out`
/// (`%a [%t] "%r" %s %b "%{Referer}i" "%{User-Agent}i"`). `out` must outlive the server and is
/// not locked: give each loop its own stream when serving on several threads.
std::function<void(const access_log_entry&)> access_log_to(std::ostream& out);

/// Options of start_app() and run_app().
struct serve_options {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;
  /// TLS: certificates in an ssl_context::server(...).
  std::optional<asyncio::ssl_context> ssl;
  int backlog = 1024;
  bool reuse_port = false;
  /// Loops run_app starts (each its own thread and listening socket); ignored by start_app.
  std::size_t threads = 1;
  std::size_t max_connections = 0;  ///< zero: no limit
  /// Bodies larger than this are answered 413 (aiohttp's client_max_size).
  std::size_t client_max_size = 1024 * 1024;
  std::size_t max_line_size = 8190;   ///< request line: 414 beyond
  std::size_t max_field_size = 8190;  ///< one header field: 431 beyond
  std::size_t max_headers = 100;      ///< 431 beyond
  std::size_t max_head_size = 65536;  ///< 431 beyond
  /// The whole request head must arrive within this, from its first byte (or from the accept,
  /// for a connection's first request). Slow clients are disconnected.
  std::chrono::nanoseconds request_head_timeout = std::chrono::seconds(10);
  /// A keep-alive connection with no request for this long is closed (aiohttp's keepalive_timeout).
  std::chrono::nanoseconds keepalive_timeout = std::chrono::seconds(15);
  /// Each read of a request body must bring data within this.
  std::chrono::nanoseconds body_timeout = std::chrono::seconds(60);
  /// run_app: how long in-flight requests may take after SIGINT/SIGTERM (aiohttp's
  /// shutdown_timeout) before they are cancelled.
  std::chrono::nanoseconds shutdown_timeout = std::chrono::seconds(60);
  /// The Server header ("" sends none).
  std::string server_name = "braid";
  /// Called once per response; off when empty.
  std::function<void(const access_log_entry&)> access_log;
  /// run_app: called on each loop once it listens (with the loop's index and its runner's
  /// addresses), e.g. to print the address.
  std::function<void(std::size_t, const std::vector<asyncio::socket_address>&)> on_listening;
};

/// Counters of one runner (for tests and metrics). Loop-thread only.
struct server_stats {
  std::uint64_t connections = 0;  ///< accepted
  std::uint64_t requests = 0;     ///< handled (answered)
  std::uint64_t writes = 0;       ///< response batches written (one per pipelined batch)
};

namespace detail {
struct server_core;
}

/// A running server of one application on one loop (aiohttp's AppRunner with its TCPSite).
/// A handle: copies refer to the same server; when the last copy goes away the server stops
/// accepting (open connections finish on their own). Loop-thread only.
class app_runner {
 public:
  app_runner() = default;
  /// The addresses listened on, with the port the kernel chose for port 0.
  std::vector<asyncio::socket_address> addresses() const;
  /// The first address's port.
  std::uint16_t port() const;
  const server_stats& stats() const noexcept;
  /// Connections open now.
  std::size_t connections() const noexcept;
  /// Graceful shutdown: stops accepting, closes idle connections, lets in-flight requests finish
  /// for up to `grace` (their connections close after the response), cancels the rest, then
  /// runs the on_cleanup hooks. Throws what a hook throws. Cancellation point: cancelling it
  /// cancels the remaining connections at once and skips the hooks.
  asyncio::task<void> shutdown(std::chrono::nanoseconds grace);

  explicit app_runner(std::shared_ptr<detail::server_core> core) noexcept
      : core_(std::move(core)) {}

 private:
  std::shared_ptr<detail::server_core> core_;
};

/// Runs the on_startup hooks, freezes `app` and listens. `app` must outlive the runner.
/// Throws os_error (EADDRINUSE, ...), value_error for a bad host, what a hook throws.
/// Cancellation point while the hooks run. Loop-thread only.
asyncio::task<app_runner> start_app(application& app, serve_options options);
asyncio::task<app_runner> start_app(application& app);

/// Serves `app` until SIGINT or SIGTERM (aiohttp's web.run_app), then shuts down with
/// options.shutdown_timeout as the grace. With options.threads > 1, one loop per thread, each
/// with its own SO_REUSEPORT listening socket. Blocks; call it from the main thread with no loop
/// running. Throws what start_app throws (an exception_group with several threads).
void run_app(application& app, serve_options options);

}  // namespace braid::http
