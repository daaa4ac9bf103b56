#include "braid/asyncio/detail/tls_engine.hpp"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <new>

#include "braid/asyncio/ssl_error.hpp"
#include "braid/error.hpp"
#include "tls/openssl_error.hpp"
#include "tls/ssl_context_state.hpp"

namespace braid::asyncio::detail {

namespace {
bool is_ip_address(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

/// Sets SNI and the name or address the certificate must match.
void set_peer_name(SSL* ssl, const std::string& host, bool check) {
  const bool ip = is_ip_address(host);
  // RFC 6066: SNI carries host names only, never literal addresses.
  if (!ip && ::SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    throw_openssl_error("TLS: setting the server name");
  }
  if (!check) return;
  if (ip) {
    if (::X509_VERIFY_PARAM_set1_ip_asc(::SSL_get0_param(ssl), host.c_str()) != 1) {
      throw_openssl_error("TLS: setting the server address to verify");
    }
    return;
  }
  ::SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (::SSL_set1_host(ssl, host.c_str()) != 1) {
    throw_openssl_error("TLS: setting the server name to verify");
  }
}

struct ssl_deleter {
  void operator()(SSL* s) const noexcept { ::SSL_free(s); }
};
}  // namespace

tls_engine::tls_engine(const ssl_context& context, tls_role role,
                       const std::string& server_hostname)
    : context_(context), role_(role) {
  auto& st = ssl_context_access::of(context);
  if (role == tls_role::server && ::SSL_CTX_get0_certificate(st.ctx) == nullptr) {
    throw value_error("a TLS server needs a certificate (ssl_context::server or load_cert_chain)");
  }
  if (role == tls_role::client && st.check_hostname && server_hostname.empty()) {
    throw value_error("a server_hostname is required when the context checks host names");
  }
  ::ERR_clear_error();
  std::unique_ptr<SSL, ssl_deleter> ssl(::SSL_new(st.ctx));
  if (!ssl) throw_openssl_error("SSL_new");
  BIO* in = ::BIO_new(::BIO_s_mem());
  BIO* out = ::BIO_new(::BIO_s_mem());
  if (!in || !out) {
    ::BIO_free(in);
    ::BIO_free(out);
    throw std::bad_alloc();
  }
  ::SSL_set_bio(ssl.get(), in, out);  // the SSL owns both from here
  if (role == tls_role::client) {
    ::SSL_set_connect_state(ssl.get());
    if (!server_hostname.empty()) set_peer_name(ssl.get(), server_hostname, st.check_hostname);
  } else {
    ::SSL_set_accept_state(ssl.get());
  }
  ssl_ = ssl.release();
  in_ = in;
  out_ = out;
}

tls_engine::~tls_engine() {
  ::SSL_free(ssl_);  // frees both BIOs
}

void tls_engine::feed(std::span<const std::byte> ciphertext) {
  while (!ciphertext.empty()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(ciphertext.size(), INT_MAX));
    const int n = ::BIO_write(in_, ciphertext.data(), chunk);
    if (n <= 0) throw std::bad_alloc();  // a memory BIO fails only when it cannot grow
    ciphertext = ciphertext.subspan(static_cast<std::size_t>(n));
  }
}

void tls_engine::feed_eof() noexcept {
  // An empty input BIO now reads as end of file rather than "try again".
  BIO_set_mem_eof_return(in_, 0);
}

std::size_t tls_engine::pending_output() const noexcept {
  return BIO_ctrl_pending(out_);
}

std::size_t tls_engine::take_output(std::span<std::byte> out) noexcept {
  const int chunk = static_cast<int>(std::min<std::size_t>(out.size(), INT_MAX));
  if (chunk == 0) return 0;
  const int n = ::BIO_read(out_, out.data(), chunk);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void tls_engine::fail(int ret, const char* operation) {
  const int kind = ::SSL_get_error(ssl_, ret);
  const unsigned long first = ::ERR_peek_error();
  if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
      ERR_GET_REASON(first) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
    const long verify = ::SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
      ::ERR_clear_error();
      throw ssl_certificate_error(verify, operation);
    }
  }
  const bool eof = (ERR_GET_LIB(first) == ERR_LIB_SSL &&
                    ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
                   (kind == SSL_ERROR_SYSCALL && first == 0) || kind == SSL_ERROR_ZERO_RETURN;
  if (eof) {
    ::ERR_clear_error();
    throw ssl_eof_error(operation);
  }
  throw_openssl_error(operation);
}

tls_engine::handshake_status tls_engine::handshake() {
  if (handshake_done_) return handshake_status::done;
  ::ERR_clear_error();
  const int r = ::SSL_do_handshake(ssl_);
  if (r == 1) {
    handshake_done_ = true;
    return handshake_status::done;
  }
  if (::SSL_get_error(ssl_, r) == SSL_ERROR_WANT_READ) return handshake_status::want_read;
  fail(r, "TLS handshake");
}

tls_engine::read_result tls_engine::read(std::span<std::byte> out) {
  if (!handshake_done_) throw invalid_state_error("TLS read before the handshake finished");
  ::ERR_clear_error();
  std::size_t n = 0;
  const int r = ::SSL_read_ex(ssl_, out.data(), out.size(), &n);
  if (r == 1) return {n, read_status::data};
  const int kind = ::SSL_get_error(ssl_, r);
  if (kind == SSL_ERROR_WANT_READ) return {0, read_status::want_read};
  if (kind == SSL_ERROR_ZERO_RETURN) return {0, read_status::eof};
  const unsigned long first = ::ERR_peek_error();
  if ((kind == SSL_ERROR_SYSCALL && first == 0) ||
      (ERR_GET_LIB(first) == ERR_LIB_SSL &&
       ERR_GET_REASON(first) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
    ::ERR_clear_error();
    return {0, read_status::truncated};
  }
  fail(r, "TLS read");
}

void tls_engine::write(std::span<const std::byte> plaintext) {
  if (!handshake_done_) throw invalid_state_error("TLS write before the handshake finished");
  if (shutdown_sent_) throw invalid_state_error("TLS write after shutdown");
  while (!plaintext.empty()) {
    ::ERR_clear_error();
    std::size_t written = 0;
    const int r = ::SSL_write_ex(ssl_, plaintext.data(), plaintext.size(), &written);
    if (r != 1) fail(r, "TLS write");
    plaintext = plaintext.subspan(written);
  }
}

bool tls_engine::shutdown() {
  if (!shutdown_sent_) {
    shutdown_sent_ = true;
    // Before the handshake finished there is no session to close: the caller just closes.
    if (handshake_done_) {
      ::ERR_clear_error();
      const int r = ::SSL_shutdown(ssl_);
      if (r < 0 && ::SSL_get_error(ssl_, r) != SSL_ERROR_WANT_READ) fail(r, "TLS shutdown");
    }
  }
  return close_notify_received();
}

bool tls_engine::close_notify_received() const noexcept {
  return (::SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0;
}

std::string tls_engine::alpn_protocol() const {
  const unsigned char* p = nullptr;
  unsigned len = 0;
  ::SSL_get0_alpn_selected(ssl_, &p, &len);
  return p ? std::string(reinterpret_cast<const char*>(p), len) : std::string();
}

std::string tls_engine::version() const {
  return ::SSL_get_version(ssl_);
}

std::string tls_engine::cipher() const {
  const char* name = ::SSL_get_cipher_name(ssl_);
  return name ? name : "";
}

std::string tls_engine::peer_certificate_subject() const {
  X509* cert = ::SSL_get0_peer_certificate(ssl_);
  if (!cert) return {};
  BIO* mem = ::BIO_new(::BIO_s_mem());
  if (!mem) throw std::bad_alloc();
  ::X509_NAME_print_ex(mem, ::X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(mem, &data);
  std::string out(data, n > 0 ? static_cast<std::size_t>(n) : 0);
  ::BIO_free(mem);
  return out;
}

std::string tls_engine::server_name() const {
  const char* name = ::SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

}  // namespace braid::asyncio::detail
