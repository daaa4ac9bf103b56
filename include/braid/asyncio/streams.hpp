#pragma once
/// \file
/// TCP and Unix-domain streams (Python's asyncio.open_connection, start_server, StreamReader,
/// StreamWriter).
///
/// `auto [reader, writer] = co_await open_connection("example.org", 80);` gives two handles on
/// one connection, as Python does: a reader task and a writer task may use them at once (the
/// loop's backend waits for both directions of one socket), and either handle can be moved
/// into its own task. Both are handles on shared state: copies refer to the same connection,
/// which is closed by writer.close() or when the last handle goes away.
///
/// Thread-safety: none. A stream belongs to the loop that made it; use it from that loop's
/// tasks only, and destroy it before the loop.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/asyncio/net_errors.hpp"
#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/ssl_context.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

class stream_reader;
class stream_writer;
namespace detail {
struct stream_state;
struct server_state;
/// braid's own access to a stream's shared state (TLS, servers). Not for users.
struct stream_access {
  static const std::shared_ptr<stream_state>& state(const stream_reader& r) noexcept;
  static const std::shared_ptr<stream_state>& state(const stream_writer& w) noexcept;
};
}  // namespace detail

/// The read side of a connection (Python's asyncio.StreamReader).
///
/// Every read is a cancellation point while it waits for data; a cancelled read consumes
/// nothing (bytes already received stay buffered for the next read). Reads that can be answered
/// from the buffer return without suspending. One read at a time: a second task reading while
/// the first waits throws invalid_state_error (Python raises RuntimeError).
/// Errors: a reset connection throws connection_reset_error (the other connection_error types
/// for their errnos); a stream whose writer closed it reads as at end of stream.
class stream_reader {
 public:
  stream_reader() noexcept = default;
  /// Up to `n` bytes: what is buffered, else waits for some; "" at end of stream. With n < 0,
  /// reads until the end of stream and returns all of it.
  task<std::string> read(std::ptrdiff_t n = -1);
  /// Exactly `n` bytes; at end of stream first, throws incomplete_read_error with what came.
  task<std::string> read_exactly(std::size_t n);
  /// Up to and including the first `separator`. Throws limit_overrun_error if the limit's worth
  /// of data holds no separator (the data stays buffered), incomplete_read_error at end of
  /// stream (with the partial data, which is consumed). An empty separator is value_error.
  task<std::string> read_until(std::string separator = "\n");
  /// One line with its "\n"; at end of stream the partial last line (or ""), as Python's
  /// readline. Throws limit_overrun_error as read_until.
  task<std::string> read_line();
  /// Zero-copy read into memory the caller owns: buffered bytes first, else one receive
  /// straight into `into`. Returns the count; 0 at end of stream (or for an empty span).
  task<std::size_t> read_into(std::span<std::byte> into);
  /// True once the peer ended the stream and the buffer is empty. Never throws.
  bool at_eof() const noexcept;
  /// The buffer limit of read_until/read_line (64 KiB unless the options said otherwise).
  std::size_t limit() const noexcept;
  /// Bytes received and not yet read. Never throws.
  std::size_t buffered() const noexcept;

  explicit stream_reader(std::shared_ptr<detail::stream_state> s) noexcept : s_(std::move(s)) {}

 private:
  friend struct detail::stream_access;
  std::shared_ptr<detail::stream_state> s_;
};

/// The write side of a connection (Python's asyncio.StreamWriter).
///
/// write() never blocks: it sends what the socket takes at once and buffers the rest, which the
/// loop sends as the socket drains. drain() is the back-pressure point: above the high-water
/// mark (64 KiB) it waits until the buffer is down to the low-water mark (16 KiB).
class stream_writer {
 public:
  stream_writer() noexcept = default;
  /// Queues `data` (copying what the socket did not take at once). Throws invalid_state_error
  /// after close() or write_eof(); a broken connection is reported by drain(), not here.
  void write(std::string_view data);
  /// Several buffers in one sendmsg (writev) when nothing is queued; as write() otherwise.
  void write_lines(std::span<const std::string_view> buffers);
  /// Waits while the buffer is above the high-water mark. Throws the connection's error
  /// (broken_pipe_error, connection_reset_error, ...) once the connection failed.
  /// Cancellation point while it waits; cancelling loses no queued data.
  task<void> drain();
  /// Half-close: the peer reads end of stream once the buffer is sent (TCP FIN). Reading goes
  /// on. Never throws.
  void write_eof() noexcept;
  bool can_write_eof() const noexcept { return true; }  // TLS: close_notify, then FIN
  /// Closes the connection once the buffer is sent (Python's transport.close()); on TLS after
  /// close_notify, and with a reset if the buffer is not sent within ssl_shutdown_timeout.
  /// Never throws.
  void close() noexcept;
  /// Closes now, dropping the buffer, with a reset (SO_LINGER 0) for TCP (Python's
  /// transport.abort()). Never throws.
  void abort() noexcept;
  bool is_closing() const noexcept;
  /// Waits until the connection is closed. Cancellation point.
  task<void> wait_closed();
  /// Sends `count` bytes of `file_fd` from `offset` with sendfile(2) after what is queued;
  /// returns the bytes sent (fewer at the file's end). Throws the connection's error, or
  /// os_error for the file; invalid_state_error on a TLS stream (the kernel cannot encrypt).
  /// Cancellation point; a cancelled sendfile leaves the stream at an unknown position in the
  /// file (close it).
  task<std::size_t> sendfile(int file_fd, std::uint64_t offset, std::size_t count);

  /// Bytes queued and not yet sent. Never throws.
  std::size_t write_buffer_size() const noexcept;
  /// The back-pressure marks (Python's transport.set_write_buffer_limits); low is clamped to
  /// high. Never throws.
  void set_write_buffer_limits(std::size_t high, std::size_t low) noexcept;
  /// TCP_NODELAY (on by default, as Python sets it). Throws os_error.
  void set_tcp_nodelay(bool on);
  /// setsockopt(level, name, value). Throws os_error.
  void set_socket_option(int level, int name, int value);
  socket_address peer_address() const noexcept;
  socket_address local_address() const noexcept;
  /// The socket, for options braid does not wrap; -1 once closed. Do not close it.
  int fileno() const noexcept;
  /// Whether the connection runs TLS; the protocol ALPN chose ("" if none). Never throws.
  bool is_tls() const noexcept;
  std::string alpn_protocol() const;

  explicit stream_writer(std::shared_ptr<detail::stream_state> s) noexcept : s_(std::move(s)) {}

 private:
  friend struct detail::stream_access;
  std::shared_ptr<detail::stream_state> s_;
};

/// Options of start_tls().
struct tls_options {
  /// The name the certificate must carry (a client; empty: the peer's numeric address).
  std::string server_hostname;
  bool server_side = false;
  std::chrono::nanoseconds ssl_handshake_timeout = std::chrono::seconds(60);
  /// See connect_options::ssl_shutdown_timeout.
  std::chrono::nanoseconds ssl_shutdown_timeout = std::chrono::seconds(30);
};

/// Upgrades an open connection to TLS in place (Python's StreamWriter.start_tls): bytes the
/// reader already buffered are taken as the peer's first TLS bytes, bytes queued for writing go
/// out before the handshake. Throws ssl_certificate_error, ssl_error, connection_timeout_error
/// (the handshake took longer than allowed), connection_error; invalid_state_error if the
/// stream is closed or TLS already. Cancellation point; a cancelled or failed handshake leaves
/// the stream unusable (close it).
task<void> start_tls(stream_reader& reader, stream_writer& writer, ssl_context context,
                     tls_options options);
task<void> start_tls(stream_reader& reader, stream_writer& writer, ssl_context context);

/// A connected pair: `auto [reader, writer] = co_await open_connection(...)`.
using stream_pair = std::pair<stream_reader, stream_writer>;

/// Options of open_connection().
struct connect_options {
  /// The limit of read_until/read_line.
  std::size_t limit = 64 * 1024;
  /// The whole connection attempt, all addresses included; zero means none.
  std::chrono::nanoseconds timeout{0};
  /// Happy Eyeballs (RFC 8305): with several addresses, the next attempt starts this long after
  /// the previous one unless that failed sooner. IPv6 first, then alternating families.
  std::chrono::nanoseconds happy_eyeballs_delay = std::chrono::milliseconds(250);
  /// TCP_NODELAY, on as in Python.
  bool tcp_nodelay = true;
  /// Bind the local end first (a source address), as Python's local_addr.
  std::optional<socket_address> local_address;
  /// TLS over the connection (Python's ssl=): the handshake finishes before open_connection
  /// returns. The certificate is checked against `server_hostname`, or the host connected to.
  std::optional<ssl_context> ssl;
  std::string server_hostname;
  /// How long the TLS handshake may take (Python's ssl_handshake_timeout, 60 s).
  std::chrono::nanoseconds ssl_handshake_timeout = std::chrono::seconds(60);
  /// How long close() may wait to send what is queued on a TLS stream before it aborts the
  /// connection (Python's ssl_shutdown_timeout, 30 s).
  std::chrono::nanoseconds ssl_shutdown_timeout = std::chrono::seconds(30);
};

/// Connects to `host` (a numeric address, "localhost", or a name the resolver finds) on
/// `port`, racing the addresses by Happy Eyeballs, then runs the TLS handshake if options.ssl
/// is set. Throws dns_error, ssl_certificate_error, ssl_error, connection_refused_error,
/// unreachable_error, connection_timeout_error (the options' timeout; code() is ETIMEDOUT),
/// or the last attempt's connection_error; value_error for a name that cannot be resolved.
/// Cancellation point: cancelling closes every socket it opened.
/// (Each function taking an options struct also has an overload without it, rather than a
/// `= {}` default: g++ 12 destroys a braced aggregate temporary made inside a co_await
/// expression twice, which a default argument would be. Pass options as named variables.)
task<stream_pair> open_connection(std::string host, std::uint16_t port, connect_options options);
task<stream_pair> open_connection(std::string host, std::uint16_t port);
/// Connects to one address.
task<stream_pair> open_connection(socket_address address, connect_options options);
task<stream_pair> open_connection(socket_address address);
/// Connects to the Unix-domain socket at `path` (Python's open_unix_connection).
task<stream_pair> open_unix_connection(std::string path, connect_options options);
task<stream_pair> open_unix_connection(std::string path);

/// What a server calls for each connection: a coroutine owning its two handles. When it
/// returns (or throws: the error goes to braid::threading's excepthook) the connection is
/// closed. It must not capture what dies before the server (the server keeps the function).
using connection_handler = std::function<task<void>(stream_reader, stream_writer)>;

/// Options of start_server().
struct server_options {
  int backlog = 100;
  /// SO_REUSEADDR: rebind at once after a restart (on by default, as in Python on Unix).
  bool reuse_address = true;
  /// SO_REUSEPORT: several sockets (one per loop, see run_sharded) share the port.
  bool reuse_port = false;
  /// At most this many connections at once; further ones wait in the kernel's backlog.
  /// Zero means no limit.
  std::size_t max_connections = 0;
  /// The limit of each connection's reader.
  std::size_t limit = 64 * 1024;
  bool tcp_nodelay = true;
  /// TLS: each connection's handshake runs (bounded by ssl_handshake_timeout) before its
  /// handler is called; a connection whose handshake fails is closed without calling it.
  std::optional<ssl_context> ssl;
  std::chrono::nanoseconds ssl_handshake_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds ssl_shutdown_timeout = std::chrono::seconds(30);
};

/// A listening server (Python's asyncio.Server). A handle: copies refer to one server, which
/// stops accepting when close() is called (not when handles go away, so a server started and
/// forgotten keeps serving until its loop ends).
class server {
 public:
  server() noexcept = default;
  /// The addresses listened on (with the port the kernel chose for port 0).
  std::vector<socket_address> addresses() const;
  /// Whether it accepts connections. Never throws.
  bool is_serving() const noexcept;
  /// Connections whose handler runs now. Never throws.
  std::size_t active_connections() const noexcept;
  /// Waits until close() (Python's serve_forever). Cancelling it closes the server (and
  /// throws cancelled_error).
  task<void> serve_forever();
  /// Stops accepting: the listening sockets close, running handlers go on. Never throws.
  void close() noexcept;
  /// Waits until the server is closed and every handler has finished.
  task<void> wait_closed();
  /// Graceful shutdown: close(), let handlers finish for up to `grace`, then cancel the rest
  /// and wait for them. Returns how many were cancelled.
  task<std::size_t> shutdown(std::chrono::nanoseconds grace);

  explicit server(std::shared_ptr<detail::server_state> s) noexcept : s_(std::move(s)) {}

 private:
  std::shared_ptr<detail::server_state> s_;
};

/// Listens on `host`:`port` ("" or "0.0.0.0" for every IPv4 address, "::" for IPv6; port 0
/// lets the kernel choose) and calls `handler` for each connection in its own task. Throws
/// os_error (EADDRINUSE, EACCES, ...) if it cannot listen, value_error for a host that is not
/// a numeric address or "localhost".
task<server> start_server(connection_handler handler, std::string host, std::uint16_t port,
                          server_options options);
task<server> start_server(connection_handler handler, std::string host, std::uint16_t port);
/// Listens on the Unix-domain socket `path` (removing a stale socket file first, as Python's
/// start_unix_server does).
task<server> start_unix_server(connection_handler handler, std::string path,
                               server_options options);
task<server> start_unix_server(connection_handler handler, std::string path);

}  // namespace braid::asyncio
