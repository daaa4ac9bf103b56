#pragma once
/// \file
/// braid::http::request: one HTTP request as a server handler sees it (aiohttp's web.Request).
/// The head (method, target, headers) is parsed before the handler runs; the body is read on
/// demand, whole (read, text, post) or in pieces (read_chunk), bounded by client_max_size.
///
/// A request belongs to the connection's task: use it from the handler (and the middlewares
/// around it) only, while the handler runs. Not thread-safe.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "braid/asyncio/task.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"

namespace braid::http {

namespace detail {
class server_connection;
struct message_head;
struct request_access;
}  // namespace detail

class response;
class request;
using handler = std::function<asyncio::task<response>(request&)>;

/// The path parameters a route matched (`/user/{id}` on /user/7: id=7), in pattern order
/// (aiohttp's request.match_info).
class match_info {
 public:
  /// The value of `name`, or "" if the route has no such parameter. Never throws.
  std::string_view get(std::string_view name) const noexcept;
  bool contains(std::string_view name) const noexcept;
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  void clear() noexcept { items_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class request {
 public:
  std::string_view method() const noexcept;
  /// The request target as sent: path and query (aiohttp's path_qs, undecoded).
  std::string_view target() const noexcept;
  /// The path, percent-decoded (aiohttp's request.path).
  std::string_view path() const noexcept { return path_; }
  /// The path as sent, still percent-encoded (aiohttp's raw_path without the query).
  std::string_view raw_path() const noexcept { return raw_path_; }
  /// The query string without '?' (aiohttp's query_string).
  std::string_view query_string() const noexcept { return query_string_; }
  /// The query parameters, parsed on first use (aiohttp's request.query). Throws bad_alloc.
  const query_params& query();
  const http::headers& headers() const noexcept;
  /// A header's first value or "".
  std::string_view header(std::string_view name) const noexcept;
  const http::match_info& match_info() const noexcept { return match_; }
  http::match_info& match_info() noexcept { return match_; }
  /// The peer's address as "host:port" (aiohttp's request.remote, with the port).
  std::string remote() const;
  /// "http" or "https".
  std::string_view scheme() const noexcept;
  int version_major() const noexcept;
  int version_minor() const noexcept;
  /// Whether the connection stays open after this request. Never throws.
  bool keep_alive() const noexcept;
  /// The Content-Length the client sent, if any.
  std::optional<std::uint64_t> content_length() const noexcept;
  /// Whether a body follows the head (a Content-Length above 0, or chunked).
  bool can_read_body() const noexcept;
  std::string_view content_type() const noexcept { return header("Content-Type"); }

  /// The whole body (aiohttp's read()). Throws http_exception(413) beyond client_max_size,
  /// http_exception(400) if the body is malformed or the client went away (the connection is
  /// then closed), timeout-closed connections as 400 too. Cancellation point: a cancelled read
  /// loses the body (the connection is closed after the response).
  asyncio::task<std::string> read();
  /// As read() (aiohttp's text(); braid does not transcode: bodies are UTF-8 or bytes).
  asyncio::task<std::string> text();
  /// The body as JSON text, for the caller's JSON library (aiohttp's json() without the
  /// decoding: braid's public headers stay free of nlohmann). Throws as read(), and
  /// http_exception(400) for an empty body.
  asyncio::task<std::string> json();
  /// An application/x-www-form-urlencoded body, decoded (aiohttp's post()); an empty list for
  /// another content type. Throws as read().
  asyncio::task<query_params> post();
  /// The next piece of the body as it arrives, "" at its end: a streamed read that never holds
  /// more than one network read's worth (aiohttp's request.content.readany()). Throws as read(),
  /// with client_max_size counting every piece.
  asyncio::task<std::string> read_chunk();

  /// Made by the server for each request.
  request(detail::server_connection& c, detail::message_head& head) noexcept;
  request(const request&) = delete;
  request& operator=(const request&) = delete;

 private:
  friend struct detail::request_access;
  detail::server_connection* conn_;
  detail::message_head* head_;
  std::string_view raw_path_, query_string_, path_;
  std::string decoded_path_;
  std::optional<query_params> query_;
  http::match_info match_;
  const handler* route_ = nullptr;
};

}  // namespace braid::http
