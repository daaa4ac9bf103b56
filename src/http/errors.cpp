#include "braid/http/errors.hpp"

#include <utility>

namespace braid::http {

invalid_url_error::invalid_url_error(const std::string& url, const std::string& why)
    : http_error("invalid URL '" + url + "': " + why), url_(url) {}

client_connector_error::client_connector_error(const std::string& host, std::uint16_t port,
                                               std::error_code code, const std::string& why,
                                               const char* kind)
    : client_error("cannot connect to " + host + ":" + std::to_string(port) + ": " + why, kind),
      host_(host),
      port_(port),
      code_(code) {}

client_connector_dns_error::client_connector_dns_error(const std::string& host, std::uint16_t port,
                                                       const std::string& why)
    : client_connector_error(host, port, {}, why, "dns") {}

client_ssl_error::client_ssl_error(const std::string& host, std::uint16_t port,
                                   const std::string& why, long verify_code)
    : client_connector_error(host, port, {}, why, "tls"), verify_code_(verify_code) {}

server_disconnected_error::server_disconnected_error(const std::string& why, std::error_code code)
    : client_error("server disconnected: " + why, "reset"), code_(code) {}

namespace {
const char* timeout_name(timeout_kind k) noexcept {
  switch (k) {
    case timeout_kind::total:
      return "total";
    case timeout_kind::connect:
      return "connect";
    case timeout_kind::sock_connect:
      return "sock_connect";
    case timeout_kind::sock_read:
      return "sock_read";
  }
  return "total";
}
}  // namespace

client_timeout_error::client_timeout_error(timeout_kind which, const std::string& url)
    : client_error(std::string("timeout (") + timeout_name(which) + ") on " + url, "timeout"),
      which_(which) {}

bad_response_error::bad_response_error(const std::string& why)
    : client_error("bad response: " + why, "bad_response") {}

client_response_error::client_response_error(int status, std::string reason, std::string url,
                                             const char* kind)
    : client_error(std::to_string(status) + " " + reason + " from " + url, kind),
      status_(status),
      reason_(std::move(reason)),
      url_(std::move(url)) {}

too_many_redirects_error::too_many_redirects_error(int status, std::string url, int followed)
    : client_response_error(status, "too many redirects (" + std::to_string(followed) + ")",
                            std::move(url), "too_many_redirects") {}

invalid_redirect_error::invalid_redirect_error(int status, std::string url,
                                               const std::string& location)
    : client_response_error(status, "redirect to an unsupported location '" + location + "'",
                            std::move(url), "bad_response") {}

truncated_body_error::truncated_body_error(const std::string& why)
    : client_payload_error("truncated body: " + why, "truncated_body") {}

bad_chunk_error::bad_chunk_error(const std::string& why)
    : client_payload_error("bad chunked encoding: " + why, "bad_chunk") {}

payload_too_large_error::payload_too_large_error(std::uint64_t limit, const std::string& what)
    : client_payload_error(what + " is over the limit of " + std::to_string(limit) + " bytes",
                           "too_large") {}

decompression_error::decompression_error(const std::string& why)
    : client_payload_error("cannot decode the body: " + why, "bad_response") {}

http_exception::http_exception(int status, std::string body, headers extra_headers)
    : http_error(std::to_string(status) + " " + reason_phrase(status)),
      status_(status),
      body_(std::move(body)),
      headers_(std::move(extra_headers)) {}

const char* reason_phrase(int status) noexcept {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace braid::http
