#pragma once
// What an ssl_context handle shares, and how the engine reaches it. Private to src/asyncio.

#include <openssl/ssl.h>

#include <string>

#include "braid/asyncio/ssl_context.hpp"

namespace braid::asyncio {

struct ssl_context::state {
  SSL_CTX* ctx = nullptr;
  bool server = false;
  bool check_hostname = false;
  std::string alpn_wire;  // length-prefixed names, OpenSSL's format; read by the ALPN callback
  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  ~state() { ::SSL_CTX_free(ctx); }
};

namespace detail {
struct ssl_context_access {
  static ssl_context::state& of(const ssl_context& c) noexcept { return *c.state_; }
};
}  // namespace detail

}  // namespace braid::asyncio
