#include "braid/asyncio/ssl_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "braid/asyncio/ssl_error.hpp"
#include "braid/error.hpp"
#include "tls/openssl_error.hpp"
#include "tls/ssl_context_state.hpp"

namespace braid::asyncio {

namespace {
int openssl_version(tls_version v) {
  return v == tls_version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION;
}

/// The server's ALPN choice: its own first protocol that the client offered.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned inlen, void* arg) {
  const auto* s = static_cast<const ssl_context::state*>(arg);
  if (s->alpn_wire.empty()) return SSL_TLSEXT_ERR_NOACK;
  unsigned char* chosen = nullptr;
  const int r = ::SSL_select_next_proto(&chosen, outlen,
                                        reinterpret_cast<const unsigned char*>(s->alpn_wire.data()),
                                        static_cast<unsigned>(s->alpn_wire.size()), in, inlen);
  if (r != OPENSSL_NPN_NEGOTIATED) return SSL_TLSEXT_ERR_NOACK;  // no match: go on without ALPN
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

std::shared_ptr<ssl_context::state> make_state(bool server) {
  auto s = std::make_shared<ssl_context::state>();
  ::ERR_clear_error();
  s->ctx = ::SSL_CTX_new(::TLS_method());
  if (!s->ctx) detail::throw_openssl_error("SSL_CTX_new");
  s->server = server;
  if (::SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION) != 1) {
    detail::throw_openssl_error("SSL_CTX_set_min_proto_version");
  }
  // Renegotiation is off (as in Python since 3.7 for TLS 1.3, and no stream here wants it):
  // then writing never needs to read.
  ::SSL_CTX_set_options(s->ctx, SSL_OP_NO_RENEGOTIATION);
  ::SSL_CTX_set_mode(s->ctx, SSL_MODE_RELEASE_BUFFERS);
  ::SSL_CTX_set_alpn_select_cb(s->ctx, &select_alpn, s.get());
  return s;
}
}  // namespace

ssl_context ssl_context::client() {
  auto s = make_state(false);
  ::SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, nullptr);
  if (::SSL_CTX_set_default_verify_paths(s->ctx) != 1) {
    detail::throw_openssl_error("loading the system's trusted certificates");
  }
  s->check_hostname = true;
  return ssl_context(std::move(s));
}

ssl_context ssl_context::insecure_client() {
  ssl_context c = client();
  c.set_insecure();
  return c;
}

ssl_context ssl_context::server(const std::string& certfile, const std::string& keyfile) {
  ssl_context c(make_state(true));
  ::SSL_CTX_set_verify(c.state_->ctx, SSL_VERIFY_NONE, nullptr);
  c.load_cert_chain(certfile, keyfile);
  return c;
}

void ssl_context::load_verify_locations(const std::string& cafile, const std::string& capath) {
  if (cafile.empty() && capath.empty()) {
    throw value_error("load_verify_locations: cafile or capath must be given");
  }
  ::ERR_clear_error();
  if (::SSL_CTX_load_verify_locations(state_->ctx, cafile.empty() ? nullptr : cafile.c_str(),
                                      capath.empty() ? nullptr : capath.c_str()) != 1) {
    detail::throw_openssl_error("load_verify_locations('" + cafile + "', '" + capath + "')");
  }
}

void ssl_context::load_cert_chain(const std::string& certfile, const std::string& keyfile) {
  ::ERR_clear_error();
  if (::SSL_CTX_use_certificate_chain_file(state_->ctx, certfile.c_str()) != 1) {
    detail::throw_openssl_error("load_cert_chain: certificate '" + certfile + "'");
  }
  if (::SSL_CTX_use_PrivateKey_file(state_->ctx, keyfile.c_str(), SSL_FILETYPE_PEM) != 1) {
    detail::throw_openssl_error("load_cert_chain: key '" + keyfile + "'");
  }
  if (::SSL_CTX_check_private_key(state_->ctx) != 1) {
    detail::throw_openssl_error("load_cert_chain: the key does not match the certificate");
  }
}

void ssl_context::set_alpn_protocols(const std::vector<std::string>& protocols) {
  std::string wire;
  for (const auto& p : protocols) {
    if (p.empty() || p.size() > 255) {
      throw value_error("set_alpn_protocols: a protocol name has 1 to 255 bytes");
    }
    wire.push_back(static_cast<char>(p.size()));
    wire += p;
  }
  // The client's offer (OpenSSL copies it; returns 0 on success, unlike its neighbours).
  if (::SSL_CTX_set_alpn_protos(state_->ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0) {
    detail::throw_openssl_error("set_alpn_protocols");
  }
  state_->alpn_wire = std::move(wire);  // the server's choice reads it
}

void ssl_context::set_minimum_version(tls_version v) {
  ::ERR_clear_error();
  if (::SSL_CTX_set_min_proto_version(state_->ctx, openssl_version(v)) != 1) {
    detail::throw_openssl_error("set_minimum_version");
  }
}

void ssl_context::set_maximum_version(tls_version v) {
  ::ERR_clear_error();
  if (::SSL_CTX_set_max_proto_version(state_->ctx, openssl_version(v)) != 1) {
    detail::throw_openssl_error("set_maximum_version");
  }
}

void ssl_context::require_client_certificate() {
  ::SSL_CTX_set_verify(state_->ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
}

void ssl_context::set_insecure() noexcept {
  ::SSL_CTX_set_verify(state_->ctx, SSL_VERIFY_NONE, nullptr);
  state_->check_hostname = false;
}

bool ssl_context::verifies_peer() const noexcept {
  return (::SSL_CTX_get_verify_mode(state_->ctx) & SSL_VERIFY_PEER) != 0;
}

bool ssl_context::checks_hostname() const noexcept {
  return state_->check_hostname;
}

bool ssl_context::is_server() const noexcept {
  return state_->server;
}

}  // namespace braid::asyncio
