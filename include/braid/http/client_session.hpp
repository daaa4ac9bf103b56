#pragma once
/// \file
/// braid::http::client_session (aiohttp.ClientSession): an HTTP/1.1 client with a connection
/// pool (aiohttp's TCPConnector), a cookie jar, timeouts, redirects and decompression.
///
/// ```
/// http::client_session session;
/// http::client_response r = co_await session.get("http://127.0.0.1:8080/");
/// std::string body = co_await r.text();
/// co_await session.close();
/// ```
///
/// Thread-safety: none. A session belongs to the event loop that first uses it; many tasks of
/// that loop may run requests on it at once. Destroy it (or close() it) before the loop ends.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "braid/asyncio/ssl_context.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/http/client_response.hpp"
#include "braid/http/client_timeout.hpp"
#include "braid/http/cookie_jar.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"

namespace braid::http {

/// aiohttp's TCPConnector options.
struct connector_options {
  /// Connections in use at once, all hosts together (aiohttp's limit, 100); 0 means no limit.
  /// A request over the limit waits for a free slot (that wait counts against
  /// client_timeout::connect).
  std::size_t limit = 100;
  /// Connections in use at once to one scheme://host:port (0: no limit, as aiohttp).
  std::size_t limit_per_host = 0;
  /// How long an idle keep-alive connection stays in the pool (aiohttp's keepalive_timeout).
  std::chrono::nanoseconds keepalive_timeout = std::chrono::seconds(15);
  /// Close every connection after its response (aiohttp's force_close).
  bool force_close = false;
  /// The TLS context of https requests: ssl_context::client() (verification on) when empty.
  /// Opting out is explicit: asyncio::ssl_context::insecure_client().
  std::optional<asyncio::ssl_context> ssl;
  /// Happy Eyeballs delay between connection attempts (RFC 8305).
  std::chrono::nanoseconds happy_eyeballs_delay = std::chrono::milliseconds(250);
};

/// What a client accepts from a server before it gives up with a typed error.
struct response_limits {
  /// read()/text() refuse a body over this (payload_too_large_error); streaming has no limit.
  std::uint64_t max_body_size = std::uint64_t{1} << 30;  // 1 GiB
  /// read()/text(): the decompressed body may not exceed this (a gzip bomb is
  /// payload_too_large_error, not an out-of-memory). 0: only max_body_size applies.
  std::uint64_t max_decompressed_size = std::uint64_t{64} << 20;  // 64 MiB
  /// Every read: once 1 MiB was produced, decompressed bytes may not exceed this many times
  /// the compressed bytes (deflate tops out near 1032:1; real text rarely passes 20:1).
  /// 0 disables the guard.
  std::uint32_t max_decompression_ratio = 200;
  std::size_t max_line_size = 8190;   ///< the status line
  std::size_t max_field_size = 8190;  ///< one header field
  std::size_t max_headers = 100;      ///< header fields
  std::size_t max_head_size = 65536;  ///< the whole head
};

/// Options of a client_session.
struct session_options {
  /// Sent with every request; a request's own headers replace fields of the same name.
  http::headers headers;
  client_timeout timeout;
  connector_options connector;
  response_limits limits;
  /// The cookie jar (aiohttp's cookie_jar); cookie_jar::dummy() stores nothing.
  http::cookie_jar cookie_jar;
  /// Use http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY and no_proxy/NO_PROXY from the
  /// environment (read when the session is made), as aiohttp's trust_env.
  bool trust_env = false;
  /// Call raise_for_status() on each response (aiohttp's raise_for_status, off by default).
  bool raise_for_status = false;
  /// Redirects followed per request (aiohttp's max_redirects).
  int max_redirects = 10;
  /// Decode gzip and deflate bodies and send `Accept-Encoding: gzip, deflate` (aiohttp's
  /// auto_decompress).
  bool auto_decompress = true;
  std::string user_agent = "braid-http/1";
};

/// Produces the next piece of a streamed request body; "" ends it. Sent with
/// `Transfer-Encoding: chunked`.
using body_stream = std::function<asyncio::task<std::string>()>;

/// Options of one request; what is set here overrides the session's.
struct request_options {
  /// Appended to the URL's query, percent-encoded.
  query_params params;
  /// Merged over the session's headers (headers::update: a name given here replaces it).
  http::headers headers;
  /// A JSON body, already serialised (braid/http/json.hpp makes one from nlohmann::json);
  /// Content-Type: application/json.
  std::optional<std::string> json_text;
  /// Raw body bytes (aiohttp's data=bytes); Content-Type: application/octet-stream unless set.
  std::optional<std::string> data;
  /// A form body, application/x-www-form-urlencoded (aiohttp's data=dict).
  std::optional<query_params> form;
  /// A streamed body (chunked). A request with one is never retried and a 307/308 redirect
  /// cannot resend it (the response is returned as it is).
  body_stream stream;
  /// Send `Expect: 100-continue` and the body only after the server's 100 (or after 1 s of
  /// silence, as curl); a final answer instead means the body is not sent.
  bool expect_continue = false;
  std::optional<client_timeout> timeout;
  std::optional<response_limits> limits;
  std::optional<bool> allow_redirects;  ///< default true
  std::optional<int> max_redirects;
  std::optional<bool> raise_for_status;
  /// TLS context for this request only (its connections are pooled apart).
  std::optional<asyncio::ssl_context> ssl;
};

/// Connection pool counters (for tests and the benchmarks).
struct pool_stats {
  std::uint64_t opened = 0;  ///< connections made
  std::uint64_t reused = 0;  ///< requests sent on a pooled connection
  std::size_t in_use = 0;    ///< connections lent to requests now
  std::size_t idle = 0;      ///< connections waiting in the pool
};

namespace detail {
struct session_state;
}

class client_session {
 public:
  /// Throws std::bad_alloc. The default TLS context is made by the first https request (so a
  /// session that speaks only http never loads the system's certificates).
  explicit client_session(session_options options);
  client_session();
  /// Closes every pooled connection; responses still alive close theirs when they finish.
  ~client_session();
  client_session(const client_session&) = delete;
  client_session& operator=(const client_session&) = delete;

  /// Sends `method` to `url` and returns once the response head has arrived (following
  /// redirects). Throws invalid_url_error, client_connector_error (refused, unreachable),
  /// client_connector_dns_error, client_ssl_error (certificate refused: verify_code()),
  /// server_disconnected_error, bad_response_error, client_timeout_error, too_many_redirects_error,
  /// invalid_redirect_error, client_response_error (raise_for_status), invalid_state_error after
  /// close(), asyncio::ssl_error when the first https request cannot make the default TLS
  /// context. A request on a pooled connection that the server had closed is retried once on a
  /// new one when nothing of the response arrived (GET, HEAD, OPTIONS, PUT, DELETE, TRACE only).
  /// Cancellation: the request's connection is closed (never reused half-read) and its pool slot
  /// freed; nothing leaks.
  asyncio::task<client_response> request(std::string method, std::string url,
                                         request_options options);
  asyncio::task<client_response> request(std::string method, std::string url);

  asyncio::task<client_response> get(std::string url, request_options options);
  asyncio::task<client_response> get(std::string url);
  asyncio::task<client_response> post(std::string url, request_options options);
  asyncio::task<client_response> post(std::string url);
  asyncio::task<client_response> put(std::string url, request_options options);
  asyncio::task<client_response> put(std::string url);
  asyncio::task<client_response> patch(std::string url, request_options options);
  asyncio::task<client_response> patch(std::string url);
  asyncio::task<client_response> delete_(std::string url, request_options options);
  asyncio::task<client_response> delete_(std::string url);
  asyncio::task<client_response> head(std::string url, request_options options);
  asyncio::task<client_response> head(std::string url);
  asyncio::task<client_response> options(std::string url, request_options options);
  asyncio::task<client_response> options(std::string url);

  /// Closes the pooled connections; later requests throw invalid_state_error. Never throws.
  asyncio::task<void> close();
  bool closed() const noexcept;
  http::cookie_jar& cookie_jar() noexcept;
  pool_stats stats() const noexcept;

 private:
  // The one request path; `options` must outlive the returned task (the overloads without
  // options pass a shared empty one, so a plain get() builds no request_options at all).
  static asyncio::task<client_response> send(std::shared_ptr<detail::session_state> state,
                                             std::string method, std::string url,
                                             const request_options& options);
  std::shared_ptr<detail::session_state> s_;
};

}  // namespace braid::http
