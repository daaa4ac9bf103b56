#pragma once
/// \file
/// braid::http::cookie_jar (aiohttp.CookieJar and DummyCookieJar): the cookies a client_session
/// stores from Set-Cookie and sends back in Cookie on the requests they match (RFC 6265:
/// Domain, Path, Expires, Max-Age, Secure; HttpOnly is kept but has no meaning for a client).
///
/// Not thread-safe: a jar belongs to the session (the loop) that uses it. Nothing suspends.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace braid::http {

class url;

/// One stored cookie.
struct cookie {
  std::string name, value;
  std::string domain;      ///< lower case, without a leading dot
  std::string path = "/";  ///< the default-path of RFC 6265 5.1.4 when Path was absent
  bool host_only = true;   ///< no Domain attribute: sent to exactly this host
  bool secure = false;     ///< sent over https only
  bool http_only = false;
  bool persistent = false;  ///< had Expires or Max-Age
  std::chrono::system_clock::time_point expires{};
};

class cookie_jar {
 public:
  /// A jar that, like aiohttp's CookieJar(unsafe=False), ignores cookies from hosts given as
  /// IP addresses unless `unsafe` is true.
  cookie_jar() noexcept = default;
  explicit cookie_jar(bool unsafe) noexcept : unsafe_(unsafe) {}
  /// A jar that stores nothing and sends nothing (aiohttp.DummyCookieJar).
  static cookie_jar dummy() noexcept;

  /// Stores the cookie of one Set-Cookie value received from `from`. Malformed values, cookies
  /// for another domain and (unless unsafe) cookies from IP hosts are ignored. A cookie that is
  /// already expired deletes the stored one of the same name, domain and path.
  /// Throws std::bad_alloc.
  void update(std::string_view set_cookie, const url& from);
  /// Adds a cookie directly (aiohttp's update_cookies with a name and value): host-only for
  /// `for_url`'s host, path "/". Throws std::bad_alloc.
  void set(std::string name, std::string value, const url& for_url);
  /// The Cookie header value for a request to `to` ("" when no cookie matches): longer paths
  /// first, as RFC 6265 5.4 says. Expired cookies are dropped here. Throws std::bad_alloc.
  std::string header_for(const url& to);

  /// Cookies stored now (expired ones may still be listed until the next header_for()).
  const std::vector<cookie>& cookies() const noexcept { return cookies_; }
  std::size_t size() const noexcept { return cookies_.size(); }
  void clear() noexcept { cookies_.clear(); }
  bool is_dummy() const noexcept { return dummy_; }
  bool unsafe() const noexcept { return unsafe_; }

 private:
  std::vector<cookie> cookies_;
  bool unsafe_ = false;
  bool dummy_ = false;
};

}  // namespace braid::http
