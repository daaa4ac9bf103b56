#pragma once
/// \file
/// braid::http::client_response (aiohttp.ClientResponse): a response whose head has arrived and
/// whose body is read on demand, whole (read(), text()) or piece by piece (iter_chunked(n),
/// iter_any()).
///
/// The connection goes back to the session's pool as soon as the body has been read to its end
/// (keep-alive). A response released or destroyed before its body was read to the end closes
/// its connection instead: the rest of that body would otherwise be read as the next response.
///
/// Thread-safety: none; a response belongs to the loop of the session that made it, and one
/// task reads it at a time. Move-only.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio/task.hpp"
#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"

namespace braid::http {

namespace detail {
struct response_state;
}

/// One redirect that was followed: its status and the URL that answered with it.
struct redirect_hop {
  int status = 0;
  http::url url;
};

class client_response {
 public:
  client_response() noexcept;
  explicit client_response(std::unique_ptr<detail::response_state> state) noexcept;
  client_response(client_response&&) noexcept;
  client_response& operator=(client_response&&) noexcept;
  /// Closes the connection if the body was not read to the end (see release()).
  ~client_response();

  int status() const noexcept;
  const std::string& reason() const noexcept;
  /// status() < 400, as aiohttp's ok.
  bool ok() const noexcept { return status() < 400; }
  /// The response's fields, case-insensitive, repeated fields kept in order.
  const http::headers& headers() const noexcept;
  /// The final URL, after redirects.
  const http::url& url() const noexcept;
  const std::string& method() const noexcept;
  /// The redirects that led here, oldest first (aiohttp's history).
  const std::vector<redirect_hop>& history() const noexcept;
  /// Content-Length as sent, if it was.
  std::optional<std::uint64_t> content_length() const noexcept;
  /// The Content-Type without parameters, lower case ("" when absent).
  std::string content_type() const;
  /// The charset parameter of Content-Type, lower case ("" when absent).
  std::string charset() const;

  /// The whole body, decompressed (gzip, deflate) unless the session was told not to.
  /// A second call returns the same body again (it is kept, as aiohttp keeps `_body`).
  /// Throws payload_too_large_error (over max_body_size, or decompressed over
  /// max_decompressed_size / the ratio guard), truncated_body_error, bad_chunk_error,
  /// decompression_error, server_disconnected_error, client_timeout_error (sock_read; total).
  /// Cancellation: the connection is closed (a half-read body cannot be reused); nothing leaks.
  asyncio::task<std::string> read();
  /// read() as text in UTF-8: the charset of Content-Type decides. UTF-8, US-ASCII and no
  /// charset pass the bytes through; ISO-8859-1/latin-1 (and its aliases) are converted to
  /// UTF-8; any other charset passes the bytes through unchanged (braid has no charset tables:
  /// the bytes are not lost and the caller can convert them). Throws as read().
  asyncio::task<std::string> text();
  /// As text(), decoding as `encoding` whatever Content-Type says.
  asyncio::task<std::string> text(std::string encoding);
  /// The body as JSON text (read() with a check): throws client_response_error (kind
  /// "bad_response") when Content-Type is neither application/json nor +json, as aiohttp's
  /// json() does; parse it with braid/http/json.hpp's read_json() or any JSON library.
  asyncio::task<std::string> json_text();
  /// The next piece of at most `n` bytes of the (decoded) body; "" at its end. No size limit
  /// applies beyond the ratio guard of decompression. Throws as read(); cancellation as read().
  asyncio::task<std::string> iter_chunked(std::size_t n);
  /// The next piece of whatever size arrived; "" at the end. As iter_chunked().
  asyncio::task<std::string> iter_any();

  /// Throws client_response_error(status, reason, url) when status() >= 400 (and releases the
  /// connection first, as aiohttp does). Never suspends.
  void raise_for_status();
  /// Gives the connection back: to the pool when the body was read to its end, else closed.
  /// Later reads return what was already read, or throw invalid_state_error. Never throws.
  void release() noexcept;
  /// True once the body was read to its end (or there was none).
  bool body_complete() const noexcept;
  /// Whether this response came on a connection that had served a request before (for tests
  /// and metrics).
  bool reused_connection() const noexcept;

 private:
  std::unique_ptr<detail::response_state> s_;
};

}  // namespace braid::http
