#pragma once
/// \file
/// braid::http::url: an absolute http or https URL split into its parts (yarl.URL, which aiohttp
/// uses), with percent-encoding helpers and RFC 3986 resolution of relative references (how a
/// redirect's Location is followed). Values, not thread-safe to mutate, nothing suspends.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace braid::http {

/// Query parameters in order; repeated names are kept (`a=1&a=2`).
using query_params = std::vector<std::pair<std::string, std::string>>;

class url {
 public:
  url() = default;
  /// Parses an absolute URL. Throws invalid_url_error for anything else: no scheme, a scheme other
  /// than http/https, no host, a port out of range, spaces or control characters.
  explicit url(std::string_view text);

  const std::string& scheme() const noexcept { return scheme_; }  ///< "http" or "https"
  const std::string& host() const noexcept { return host_; }      ///< without IPv6 brackets
  std::uint16_t port() const noexcept { return port_; }           ///< explicit or the default
  bool explicit_port() const noexcept { return explicit_port_; }
  const std::string& path() const noexcept { return path_; }    ///< percent-encoded, starts "/"
  const std::string& query() const noexcept { return query_; }  ///< without "?"
  const std::string& fragment() const noexcept { return fragment_; }
  const std::string& user_info() const noexcept { return user_info_; }
  bool is_https() const noexcept { return scheme_ == "https"; }

  /// "path?query", what goes on the request line.
  std::string target() const;
  /// "host[:port]" as the Host header wants it (the port only when not the default).
  std::string authority() const;
  /// scheme://host:port, the key a connection pool groups connections by.
  std::string origin() const;
  /// The whole URL, without the fragment when `with_fragment` is false.
  std::string str(bool with_fragment = true) const;

  /// A copy with `params` appended to the query, each percent-encoded.
  url with_params(const query_params& params) const;
  /// Resolves `reference` (absolute, scheme-relative, absolute path or relative path) against
  /// this URL, RFC 3986 section 5.2. Throws invalid_url_error when the result is not a URL.
  url join(std::string_view reference) const;

  friend bool operator==(const url&, const url&) = default;

 private:
  std::string scheme_, user_info_, host_, path_ = "/", query_, fragment_;
  std::uint16_t port_ = 0;
  bool explicit_port_ = false;
};

/// Percent-encodes every byte outside RFC 3986's unreserved set (and outside `safe`).
std::string quote(std::string_view text, std::string_view safe = "");
/// Decodes %XX escapes; with `plus_as_space`, '+' becomes ' ' (form encoding). A malformed escape
/// is kept as it is.
std::string unquote(std::string_view text, bool plus_as_space = false);
/// `a=1&b=x%20y`, as application/x-www-form-urlencoded (spaces as '+').
std::string encode_query(const query_params& params);
/// Splits and decodes a query string or form body; a name without '=' gets an empty value.
query_params parse_query(std::string_view query);

}  // namespace braid::http
