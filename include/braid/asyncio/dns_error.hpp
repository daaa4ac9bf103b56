#pragma once
/// \file
/// braid::asyncio::dns_error: a name lookup failed (Python's socket.gaierror), with the c-ares
/// status kept as code() and sorted into a kind(). The two failures programs handle on purpose
/// have their own types: dns_not_found_error and dns_timeout_error.

#include <string>
#include <system_error>

#include "braid/error.hpp"

namespace braid::asyncio {

/// What kind of failure a dns_error is.
enum class dns_error_kind {
  not_found,       ///< the name does not exist (NXDOMAIN), or a numeric-only lookup of a name
  no_data,         ///< the name exists but has no address of the family asked for
  timeout,         ///< no server answered in time (after every try)
  refused,         ///< the server refused the query, or the connection to it
  server_failure,  ///< the server failed (SERVFAIL), or answered something unusable
  bad_name,        ///< the name is malformed
  bad_family,      ///< the address family is not supported, or does not match a numeric host
  other,           ///< anything else c-ares reports (out of memory, a bad configuration...)
};

/// The error category of c-ares statuses (ARES_ENOTFOUND...): message() is ares_strerror's
/// text. Thread-safe.
const std::error_category& dns_category() noexcept;

/// A name lookup failed (Python's socket.gaierror, an OSError). code() is the c-ares status in
/// dns_category(); host() the name looked up.
class dns_error : public braid::os_error {
 public:
  /// From a c-ares status (ARES_ENOTFOUND...). Throws std::bad_alloc.
  dns_error(int ares_status, const std::string& host);
  /// The c-ares status. Never throws.
  int status() const noexcept { return code().value(); }
  /// The status sorted into a kind. Never throws.
  dns_error_kind kind() const noexcept;
  /// The name that was looked up. Never throws.
  const std::string& host() const noexcept { return host_; }

 private:
  std::string host_;
};

/// The name does not exist, or has no address of the family asked for (kind() not_found or
/// no_data; Python's EAI_NONAME / EAI_NODATA).
class dns_not_found_error : public dns_error {
 public:
  using dns_error::dns_error;
};

/// No name server answered in time (kind() timeout; Python's EAI_AGAIN). Not a
/// futures::timeout_error: that one means a timeout scope of the program ran out.
class dns_timeout_error : public dns_error {
 public:
  using dns_error::dns_error;
};

namespace detail {
/// Throws the dns_error subclass for `ares_status`. Throws std::bad_alloc.
[[noreturn]] void throw_dns_error(int ares_status, const std::string& host);
}  // namespace detail

}  // namespace braid::asyncio
