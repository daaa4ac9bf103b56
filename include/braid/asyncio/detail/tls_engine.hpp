#pragma once
/// \file
/// braid::asyncio::detail::tls_engine: one TLS connection as a synchronous state machine with
/// no I/O of its own (OpenSSL with memory BIOs). The stream that owns it moves bytes: what
/// arrives from the socket goes in with feed(), what the engine wants sent comes out of
/// take_output(). For braid's streams (open_connection, start_server, start_tls); not an API
/// of its own.
///
/// The driving loop, in every state: call the engine, then send all of take_output() before
/// waiting for the socket. handshake() and read() say want_read when they can go no further
/// without more bytes from the peer; OpenSSL's "want write" never happens with memory BIOs
/// (the outgoing buffer grows), so pending output is the only thing to flush.
///
/// Not thread-safe: one engine is used by one thread at a time (different engines are
/// independent). Nothing here suspends or is a cancellation point; abandoning an engine at any
/// point (destroying it mid-handshake) is safe and leaks nothing.

#include <cstddef>
#include <span>
#include <string>

#include "braid/asyncio/ssl_context.hpp"

struct ssl_st;
struct bio_st;

namespace braid::asyncio::detail {

enum class tls_role { client, server };

class tls_engine {
 public:
  /// What handshake() needs next.
  enum class handshake_status {
    done,       ///< the handshake finished (and stays finished: later calls return done)
    want_read,  ///< send take_output(), then feed() what the peer sends and call again
  };
  /// What read() found.
  enum class read_status {
    data,       ///< `bytes` bytes of plaintext were read (at least 1)
    want_read,  ///< nothing until more ciphertext is fed (send take_output() first)
    eof,        ///< the peer sent close_notify: a clean end of the data
    truncated,  ///< feed_eof() came without a close_notify: the data may be cut short
  };
  struct read_result {
    std::size_t bytes = 0;
    read_status status = read_status::want_read;
  };

  /// A connection with `context`'s settings. A client sends `server_hostname` as SNI (unless it
  /// is an IP address) and, if the context checks host names, verifies the certificate against
  /// it (a name, or an IP address against the certificate's IP entries). Throws value_error for
  /// a client whose context checks host names and an empty `server_hostname` (as Python),
  /// or a server context without a certificate; ssl_error if OpenSSL fails; std::bad_alloc.
  tls_engine(const ssl_context& context, tls_role role, const std::string& server_hostname = {});
  ~tls_engine();
  tls_engine(const tls_engine&) = delete;
  tls_engine& operator=(const tls_engine&) = delete;

  // --- Ciphertext --------------------------------------------------------------------------
  /// Bytes received from the peer, all taken (buffered until the engine reads them). Throws
  /// std::bad_alloc.
  void feed(std::span<const std::byte> ciphertext);
  /// The transport reached end of file: once the buffered bytes are read, the engine reports
  /// a close without close_notify (read: truncated; handshake: ssl_eof_error). Never throws.
  void feed_eof() noexcept;
  /// Bytes waiting to be sent to the peer. Never throws.
  std::size_t pending_output() const noexcept;
  /// Moves up to `out.size()` bytes of pending output into `out` and returns how many; the
  /// caller must send them (in order) before anything taken later. Never throws.
  std::size_t take_output(std::span<std::byte> out) noexcept;

  // --- Handshake -----------------------------------------------------------------------------
  /// Advances the handshake (a client's first call produces its ClientHello). Throws
  /// ssl_certificate_error if the peer's certificate does not verify (on a client, the server's
  /// chain or name; on a server requiring client certificates, the client's chain),
  /// ssl_eof_error if the transport ended mid-handshake, ssl_error for every other failure
  /// (no common version or cipher, an alert from the peer, a missing client certificate...).
  /// After a throw the engine is dead: pending output may still hold an alert for the peer.
  handshake_status handshake();
  /// Whether handshake() returned done. Never throws.
  bool handshake_done() const noexcept { return handshake_done_; }

  // --- Plaintext (after the handshake) ---------------------------------------------------------
  /// Reads plaintext into `out` (not empty). Throws invalid_state_error before the handshake
  /// finished, ssl_error for a corrupt record or an alert from the peer (a TLS 1.3 server's
  /// refusal of the client's certificate arrives here, after the client's handshake finished).
  read_result read(std::span<std::byte> out);
  /// Encrypts all of `plaintext` into pending output. Throws invalid_state_error before the
  /// handshake finished or after shutdown(), ssl_error if OpenSSL fails, std::bad_alloc.
  void write(std::span<const std::byte> plaintext);
  /// Queues close_notify (once; later calls do nothing) and returns whether the peer's
  /// close_notify had already arrived. Nothing may be written after it; reading goes on until
  /// the peer's close_notify (eof). Throws ssl_error if OpenSSL fails.
  bool shutdown();
  /// Whether the peer's close_notify arrived. Never throws.
  bool close_notify_received() const noexcept;

  // --- After the handshake ---------------------------------------------------------------------
  /// The protocol ALPN chose, or empty. Throws std::bad_alloc.
  std::string alpn_protocol() const;
  /// "TLSv1.3", "TLSv1.2". Throws std::bad_alloc.
  std::string version() const;
  /// The cipher suite's name ("TLS_AES_256_GCM_SHA384"). Throws std::bad_alloc.
  std::string cipher() const;
  /// The peer certificate's subject, one line ("CN=localhost"), or empty if the peer sent
  /// none. Throws std::bad_alloc.
  std::string peer_certificate_subject() const;
  /// On a server, the host name the client sent by SNI (empty if none); on a client, the one
  /// it sent. Throws std::bad_alloc.
  std::string server_name() const;
  tls_role role() const noexcept { return role_; }

 private:
  [[noreturn]] void fail(int ret, const char* operation);
  ssl_context context_;  // keeps the settings the connection's callbacks read alive
  ssl_st* ssl_ = nullptr;
  bio_st* in_ = nullptr;   // ciphertext from the peer (owned by ssl_)
  bio_st* out_ = nullptr;  // ciphertext for the peer (owned by ssl_)
  tls_role role_;
  bool handshake_done_ = false;
  bool shutdown_sent_ = false;
};

}  // namespace braid::asyncio::detail
