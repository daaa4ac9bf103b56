#pragma once
/// \file
/// The errors of braid::http, one hierarchy for the client and one exception type for the server
/// (aiohttp's ClientError family and web.HTTPException). Every type derives from http_error,
/// itself a braid::error, so `catch (const braid::http::client_error&)` catches every failure of
/// a client request and nothing else. kind() names the failure in one word, the word
/// `braid fetch --json` counts errors by.

#include <cstdint>
#include <string>
#include <system_error>

#include "braid/error.hpp"
#include "braid/http/headers.hpp"

namespace braid::http {

/// Base of every error braid::http throws.
class http_error : public braid::error {
 public:
  using braid::error::error;
};

/// A URL that cannot be parsed, or has a scheme braid cannot fetch (aiohttp's InvalidURL).
class invalid_url_error : public http_error {
 public:
  invalid_url_error(const std::string& url, const std::string& why);
  const std::string& url() const noexcept { return url_; }

 private:
  std::string url_;
};

// ---- client ------------------------------------------------------------------------------

/// Base of every failure of a client request (aiohttp.ClientError). kind() is one of `connect`,
/// `dns`, `tls`, `timeout`, `reset`, `truncated_body`, `bad_chunk`, `bad_response`,
/// `too_many_redirects`, `too_large`, `status`, `invalid_url`.
class client_error : public http_error {
 public:
  client_error(const std::string& what, const char* kind) : http_error(what), kind_(kind) {}
  const char* kind() const noexcept { return kind_; }

 private:
  const char* kind_;
};

/// Connecting to the server failed: refused, unreachable, or another socket error before the
/// request was sent (aiohttp.ClientConnectorError). code() is the system's error.
class client_connector_error : public client_error {
 public:
  client_connector_error(const std::string& host, std::uint16_t port, std::error_code code,
                         const std::string& why, const char* kind = "connect");
  const std::string& host() const noexcept { return host_; }
  std::uint16_t port() const noexcept { return port_; }
  const std::error_code& code() const noexcept { return code_; }

 private:
  std::string host_;
  std::uint16_t port_;
  std::error_code code_;
};

/// The host name did not resolve (aiohttp.ClientConnectorDNSError).
class client_connector_dns_error : public client_connector_error {
 public:
  client_connector_dns_error(const std::string& host, std::uint16_t port, const std::string& why);
};

/// The TLS handshake failed (aiohttp.ClientSSLError); verify_code() is OpenSSL's X509 verify
/// result when the certificate was refused (aiohttp.ClientConnectorCertificateError), else 0.
class client_ssl_error : public client_connector_error {
 public:
  client_ssl_error(const std::string& host, std::uint16_t port, const std::string& why,
                   long verify_code);
  long verify_code() const noexcept { return verify_code_; }

 private:
  long verify_code_;
};

/// The connection broke after the request started: reset by the peer, or closed before a
/// complete response head arrived (aiohttp.ServerDisconnectedError, ClientOSError). code() is
/// the system's error when there was one.
class server_disconnected_error : public client_error {
 public:
  explicit server_disconnected_error(const std::string& why, std::error_code code = {});
  const std::error_code& code() const noexcept { return code_; }

 private:
  std::error_code code_;
};

/// Which of client_timeout's limits expired.
enum class timeout_kind { total, connect, sock_connect, sock_read };

/// A request ran out of time (aiohttp.ServerTimeoutError and asyncio.TimeoutError): which()
/// says which limit of client_timeout expired.
class client_timeout_error : public client_error {
 public:
  client_timeout_error(timeout_kind which, const std::string& url);
  timeout_kind which() const noexcept { return which_; }

 private:
  timeout_kind which_;
};

/// The server's response is not valid HTTP/1.1, or its head is over the limits set in
/// client_limits (aiohttp's ClientResponseError for a bad status line, and HttpProcessingError).
class bad_response_error : public client_error {
 public:
  explicit bad_response_error(const std::string& why);
};

/// A response status the caller treats as failure (raise_for_status) or a redirect that could not
/// be followed (aiohttp.ClientResponseError). status() is the response's status code.
class client_response_error : public client_error {
 public:
  client_response_error(int status, std::string reason, std::string url,
                        const char* kind = "status");
  int status() const noexcept { return status_; }
  const std::string& reason() const noexcept { return reason_; }
  const std::string& url() const noexcept { return url_; }

 private:
  int status_;
  std::string reason_;
  std::string url_;
};

/// More redirects than max_redirects, or a redirect loop (aiohttp.TooManyRedirects).
class too_many_redirects_error : public client_response_error {
 public:
  too_many_redirects_error(int status, std::string url, int followed);
};

/// A redirect to a scheme other than http or https, or to https→http when that is refused
/// (aiohttp.NonHttpUrlRedirectClientError).
class invalid_redirect_error : public client_response_error {
 public:
  invalid_redirect_error(int status, std::string url, const std::string& location);
};

/// The response body is broken (aiohttp.ClientPayloadError). Subclasses say how.
class client_payload_error : public client_error {
 public:
  using client_error::client_error;
};
/// The connection closed before Content-Length bytes or the last chunk arrived.
class truncated_body_error : public client_payload_error {
 public:
  explicit truncated_body_error(const std::string& why);
};
/// Chunked transfer coding that does not parse.
class bad_chunk_error : public client_payload_error {
 public:
  explicit bad_chunk_error(const std::string& why);
};
/// The body, or what it decompresses to, is over the set limit (a gzip bomb lands here).
class payload_too_large_error : public client_payload_error {
 public:
  payload_too_large_error(std::uint64_t limit, const std::string& what);
};
/// gzip or deflate data that does not decode.
class decompression_error : public client_payload_error {
 public:
  explicit decompression_error(const std::string& why);
};

// ---- server ------------------------------------------------------------------------------

/// Thrown by a handler (or a middleware) to answer with `status` (aiohttp's web.HTTPException
/// and its subclasses web.HTTPNotFound, web.HTTPBadRequest, ...): the server sends the status,
/// the reason phrase, `body` as text/plain (the reason when empty) and `extra_headers`.
class http_exception : public http_error {
 public:
  explicit http_exception(int status, std::string body = {}, headers extra_headers = {});
  int status() const noexcept { return status_; }
  const std::string& body() const noexcept { return body_; }
  const headers& extra_headers() const noexcept { return headers_; }

 private:
  int status_;
  std::string body_;
  headers headers_;
};

/// The standard reason phrase of `status` ("Not Found"), or "Unknown".
const char* reason_phrase(int status) noexcept;

}  // namespace braid::http
