#pragma once
/// \file
/// The TLS errors (Python's ssl.SSLError and its subclasses): ssl_error for a failed handshake or
/// record, ssl_certificate_error when the peer's certificate does not verify, ssl_eof_error when
/// the peer closed the connection without a TLS close_notify.

#include <string>
#include <system_error>

#include "braid/error.hpp"

namespace braid::asyncio {

/// The error category of OpenSSL's packed error codes (ERR_get_error's value, which fits 32
/// bits in OpenSSL 3): message() is OpenSSL's library and reason ("SSL routines: wrong version
/// number"). Thread-safe.
const std::error_category& ssl_category() noexcept;
/// The error category of certificate verification results (X509_V_ERR_*): message() is
/// "certificate verify failed: " and OpenSSL's text. Thread-safe.
const std::error_category& ssl_verify_category() noexcept;

/// A TLS failure (Python's ssl.SSLError, an OSError): code() holds OpenSSL's packed error in
/// ssl_category() (0: OpenSSL gave no reason), what() the operation and OpenSSL's library and
/// reason ("TLS handshake: SSL routines: wrong version number").
class ssl_error : public braid::os_error {
 public:
  /// From a packed OpenSSL error (ERR_get_error). Throws std::bad_alloc.
  ssl_error(unsigned long openssl_error, const std::string& operation)
      : os_error(std::error_code(static_cast<int>(openssl_error), ssl_category()), operation) {}
  /// The packed OpenSSL error, 0 if none. Never throws.
  unsigned long openssl_error() const noexcept {
    return code().category() == ssl_category() ? static_cast<unsigned>(code().value()) : 0;
  }

 protected:
  /// For subclasses with a code of another category. Throws std::bad_alloc.
  ssl_error(std::error_code code, const std::string& operation) : os_error(code, operation) {}
};

/// The peer's certificate failed verification (Python's ssl.SSLCertVerificationError):
/// verify_code() is OpenSSL's X509_V_ERR_* value (also code(), in ssl_verify_category()),
/// verify_message() its text ("hostname mismatch", "certificate has expired", "unable to get
/// local issuer certificate"...). what(): "TLS handshake: certificate verify failed: hostname
/// mismatch".
class ssl_certificate_error : public ssl_error {
 public:
  /// Throws std::bad_alloc.
  ssl_certificate_error(long verify_code, const std::string& operation);
  long verify_code() const noexcept { return code().value(); }
  /// OpenSSL's text for verify_code(). Throws std::bad_alloc.
  std::string verify_message() const;
};

/// The transport ended without the peer's close_notify, so the data may have been cut short
/// (Python's ssl.SSLEOFError, "EOF occurred in violation of protocol"). code() is OpenSSL's
/// "unexpected eof while reading".
class ssl_eof_error : public ssl_error {
 public:
  /// Throws std::bad_alloc.
  explicit ssl_eof_error(const std::string& operation);
};

}  // namespace braid::asyncio
