#pragma once
/// \file
/// braid::asyncio::ssl_context: the TLS settings connections are made with (Python's
/// ssl.SSLContext and ssl.create_default_context()), on OpenSSL 3. Clients verify the server's
/// certificate chain against the system's trust store and its host name by default; turning
/// that off is explicit and named `insecure`.
///
/// ```
/// auto client = asyncio::ssl_context::client();        // verifies chain and host name
/// client.set_alpn_protocols({"h2", "http/1.1"});
/// auto server = asyncio::ssl_context::server("cert.pem", "key.pem");
/// ```

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace braid::asyncio {

/// TLS protocol versions (Python's ssl.TLSVersion).
enum class tls_version { tls1_2, tls1_3 };

namespace detail {
struct ssl_context_access;
}

/// A handle to shared TLS settings: copies share one OpenSSL SSL_CTX, so a change made through
/// one copy is seen by every copy and by connections made afterwards (connections already made
/// keep what they started with, except the trust store, which OpenSSL shares).
/// Thread-safety: configure it from one thread before using it; once configured, any number of
/// threads may make connections from it at once. Copying and destroying are thread-safe.
class ssl_context {
 public:
  /// A client context (Python's ssl.create_default_context()): verifies the server's
  /// certificate chain against the system's trust store and the host name given to the
  /// connection; TLS 1.2 at least. Throws ssl_error if OpenSSL fails, std::bad_alloc.
  static ssl_context client();
  /// **INSECURE**: a client context that verifies nothing: any certificate, from anyone, for
  /// any name, is accepted, so an attacker on the path can read and change the traffic. For
  /// tests and for peers authenticated some other way only. The same as client() followed by
  /// set_insecure(). Throws as client().
  static ssl_context insecure_client();
  /// A server context presenting `certfile` (PEM: the certificate, then its chain) with the
  /// private key `keyfile` (Python's create_default_context(Purpose.CLIENT_AUTH) plus
  /// load_cert_chain). Clients are not asked for a certificate unless
  /// require_client_certificate() is called. Throws ssl_error if a file cannot be read or the
  /// key does not match the certificate, std::bad_alloc.
  static ssl_context server(const std::string& certfile, const std::string& keyfile);

  /// Trusts the CA certificates in `cafile` (PEM) and/or the hashed directory `capath` (either
  /// may be empty, not both), in addition to what is trusted already (Python's
  /// load_verify_locations). Throws ssl_error if nothing could be loaded, value_error if both
  /// are empty. Not thread-safe.
  void load_verify_locations(const std::string& cafile, const std::string& capath = {});
  /// Presents `certfile` with the key `keyfile` (Python's load_cert_chain): a server's
  /// certificate, or a client's certificate for servers that ask. Throws ssl_error as server().
  /// Not thread-safe.
  void load_cert_chain(const std::string& certfile, const std::string& keyfile);
  /// The protocols offered (client) or accepted (server) by ALPN, most preferred first
  /// (Python's set_alpn_protocols). A server picks the first of its own protocols the client
  /// offers; with no match the connection goes on without ALPN. Throws value_error for an
  /// empty name or one over 255 bytes, std::bad_alloc. Not thread-safe.
  void set_alpn_protocols(const std::vector<std::string>& protocols);
  /// The oldest version accepted (Python's minimum_version); TLS 1.2 by default. Throws
  /// ssl_error if OpenSSL refuses. Not thread-safe.
  void set_minimum_version(tls_version v);
  /// The newest version accepted (Python's maximum_version); the newest OpenSSL has by
  /// default. Throws ssl_error if OpenSSL refuses. Not thread-safe.
  void set_maximum_version(tls_version v);
  /// Server contexts: asks every client for a certificate, verifies it against the trusted CAs
  /// (load_verify_locations) and fails the handshake without one (Python's verify_mode =
  /// CERT_REQUIRED on a server). Never throws. Not thread-safe.
  void require_client_certificate();
  /// **INSECURE**: stops verifying the peer's certificate and host name (Python's
  /// check_hostname = False plus verify_mode = CERT_NONE). See insecure_client(). Never throws.
  /// Not thread-safe.
  void set_insecure() noexcept;

  /// Whether the peer's certificate chain is verified. Never throws.
  bool verifies_peer() const noexcept;
  /// Whether a client checks the server's host name. Never throws.
  bool checks_hostname() const noexcept;
  /// Whether this was made by server(). Never throws.
  bool is_server() const noexcept;

  struct state;  // defined in the implementation

 private:
  explicit ssl_context(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
  std::shared_ptr<state> state_;
  friend struct detail::ssl_context_access;
};

}  // namespace braid::asyncio
