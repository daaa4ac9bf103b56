#include "braid/asyncio/ssl_error.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls/openssl_error.hpp"

namespace braid::asyncio {

namespace {
class openssl_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "OpenSSL"; }
  std::string message(int value) const override {
    const auto e = static_cast<unsigned long>(static_cast<unsigned>(value));
    if (e == 0) return "unknown TLS failure";
    // OpenSSL 3 packs a failed system call's errno as the reason of a "system library" error.
    if (ERR_SYSTEM_ERROR(e))
      return std::error_code(ERR_GET_REASON(e), std::generic_category()).message();
    const char* lib = ::ERR_lib_error_string(e);
    const char* reason = ::ERR_reason_error_string(e);
    std::string out = lib ? lib : "OpenSSL";
    out += ": ";
    out += reason ? reason : "error " + std::to_string(ERR_GET_REASON(e));
    return out;
  }
};

class verify_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "X509 verify"; }
  std::string message(int value) const override {
    return std::string("certificate verify failed: ") + ::X509_verify_cert_error_string(value);
  }
};
}  // namespace

const std::error_category& ssl_category() noexcept {
  static const openssl_category category;
  return category;
}

const std::error_category& ssl_verify_category() noexcept {
  static const verify_category category;
  return category;
}

ssl_certificate_error::ssl_certificate_error(long verify_code, const std::string& operation)
    : ssl_error(std::error_code(static_cast<int>(verify_code), ssl_verify_category()), operation) {}

std::string ssl_certificate_error::verify_message() const {
  return ::X509_verify_cert_error_string(verify_code());
}

ssl_eof_error::ssl_eof_error(const std::string& operation)
    : ssl_error(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNEXPECTED_EOF_WHILE_READING), operation) {}

namespace detail {
void throw_openssl_error(const std::string& operation) {
  // The first error is the cause; the later ones are where it was noticed.
  const unsigned long e = ::ERR_get_error();
  ::ERR_clear_error();
  throw ssl_error(e, operation);
}
}  // namespace detail

}  // namespace braid::asyncio
