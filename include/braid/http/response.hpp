#pragma once
/// \file
/// braid::http::response: what a server handler returns (aiohttp's web.Response, json_response,
/// FileResponse and StreamResponse in one value type). A response is built by one of the
/// static functions, adjusted (status, headers), and returned from the handler; the server
/// writes it. Values, not thread-safe to mutate; nothing here suspends except body_writer.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "braid/asyncio/task.hpp"
#include "braid/http/headers.hpp"

namespace braid::http {

namespace detail {
class server_connection;
}

/// The body of a streamed response (the writing half of aiohttp's StreamResponse): each
/// write() goes out as one chunk (Transfer-Encoding: chunked), or raw when the response set a
/// Content-Length, or raw until the connection closes for an HTTP/1.0 client.
/// Loop-thread only; valid while the producer runs.
class body_writer {
 public:
  /// Sends `data` and waits for the socket's back-pressure (drain). An empty `data` sends
  /// nothing. Throws the connection's error (connection_reset_error, broken_pipe_error, ...).
  /// Cancellation point: a cancelled write may have queued part of the data; the connection is
  /// then closed by the server.
  asyncio::task<void> write(std::string_view data);
  /// Bytes of body written so far. Never throws.
  std::uint64_t written() const noexcept { return written_; }

  explicit body_writer(detail::server_connection& c, bool chunked, bool discard) noexcept
      : c_(&c), chunked_(chunked), discard_(discard) {}

 private:
  detail::server_connection* c_;
  bool chunked_;
  bool discard_;  // a HEAD request: nothing is sent
  std::uint64_t written_ = 0;
};

class response {
 public:
  /// Produces a streamed body; it runs after the head is sent. Its captures live as long as the
  /// response, which the server keeps until the producer finished.
  using producer = std::function<asyncio::task<void>(body_writer&)>;
  enum class body_kind { buffered, file, stream };

  response() = default;
  explicit response(int status) : status_(status) {}

  /// A text body (web.Response(text=...)): `content_type` defaults to text/plain; charset=utf-8.
  static response text(std::string body, int status = 200);
  static response text(std::string body, int status, std::string content_type);
  /// A body that is already JSON (web.json_response with a pre-serialised body); nlohmann users
  /// see braid/http/json.hpp.
  static response json(std::string json_text, int status = 200);
  /// Raw bytes (web.Response(body=...)), application/octet-stream unless told.
  static response bytes(std::string body, std::string content_type = "application/octet-stream");
  /// A file (web.FileResponse): sent with sendfile(2) (read and written on TLS), with
  /// Range requests answered 206/416, Content-Type from the extension, Last-Modified. A file
  /// that cannot be opened is answered 404 (403 for a directory).
  static response file(std::string path);
  /// A streamed body (web.StreamResponse): `body` writes it piece by piece. With no
  /// Content-Length header set, the body is chunked.
  static response stream(producer body, std::string content_type = "application/octet-stream");

  int status() const noexcept { return status_; }
  response& set_status(int status) noexcept {
    status_ = status;
    return *this;
  }
  /// A reason phrase other than the standard one.
  response& set_reason(std::string reason) {
    reason_ = std::move(reason);
    return *this;
  }
  const std::string& reason() const noexcept { return reason_; }
  /// Extra header fields. Content-Length, Date and Server are the server's; setting
  /// Content-Length on a streamed response makes it unchunked.
  http::headers& headers() noexcept { return headers_; }
  const http::headers& headers() const noexcept { return headers_; }
  response& set_header(std::string_view name, std::string value) {
    headers_.set(name, std::move(value));
    return *this;
  }
  /// The Content-Type sent (empty: none).
  std::string_view content_type() const noexcept;
  response& set_content_type(std::string type) {
    content_type_ = std::move(type);
    static_type_ = {};
    return *this;
  }
  std::string& body() noexcept { return body_; }
  const std::string& body() const noexcept { return body_; }
  body_kind kind() const noexcept { return kind_; }
  const std::string& file_path() const noexcept { return file_path_; }
  const producer& stream_body() const noexcept { return producer_; }

 private:
  int status_ = 200;
  body_kind kind_ = body_kind::buffered;
  std::string_view static_type_;  // a literal content type: saves an allocation per response
  std::string content_type_;
  std::string reason_;
  http::headers headers_;
  std::string body_;
  std::string file_path_;
  producer producer_;
};

}  // namespace braid::http
