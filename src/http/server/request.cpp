#include "braid/http/request.hpp"

#include "braid/http/errors.hpp"
#include "server/connection.hpp"

namespace braid::http {

std::string_view match_info::get(std::string_view name) const noexcept {
  for (const auto& [n, v] : items_) {
    if (n == name) return v;
  }
  return {};
}

bool match_info::contains(std::string_view name) const noexcept {
  for (const auto& item : items_) {
    if (item.first == name) return true;
  }
  return false;
}

request::request(detail::server_connection& c, detail::message_head& head) noexcept
    : conn_(&c), head_(&head) {
  std::string_view t = head.target;
  // absolute-form ("http://host/path", proxies' form): the path starts after the authority
  if (!t.empty() && t.front() != '/' && t != "*") {
    const auto scheme = t.find("://");
    if (scheme != std::string_view::npos) {
      const auto slash = t.find('/', scheme + 3);
      t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
    }
  }
  const auto q = t.find('?');
  raw_path_ = t.substr(0, q);
  if (q != std::string_view::npos) query_string_ = t.substr(q + 1);
  if (raw_path_.find('%') == std::string_view::npos) {
    path_ = raw_path_;
  } else {
    try {
      decoded_path_ = unquote(raw_path_);
      path_ = decoded_path_;
    } catch (...) {
      path_ = raw_path_;
    }
  }
}

std::string_view request::method() const noexcept {
  return head_->method;
}
std::string_view request::target() const noexcept {
  return head_->target;
}
const http::headers& request::headers() const noexcept {
  return head_->fields;
}
std::string_view request::header(std::string_view name) const noexcept {
  return head_->fields.get_or(name, "");
}
int request::version_major() const noexcept {
  return head_->version_major;
}
int request::version_minor() const noexcept {
  return head_->version_minor;
}
bool request::keep_alive() const noexcept {
  return head_->keep_alive;
}
std::optional<std::uint64_t> request::content_length() const noexcept {
  if (!head_->has_content_length) return std::nullopt;
  return head_->content_length;
}
bool request::can_read_body() const noexcept {
  return head_->chunked || (head_->has_content_length && head_->content_length > 0);
}
std::string request::remote() const {
  return conn_->writer().peer_address().to_string();
}
std::string_view request::scheme() const noexcept {
  return conn_->writer().is_tls() ? "https" : "http";
}

const query_params& request::query() {
  if (!query_) query_ = parse_query(query_string_);
  return *query_;
}

asyncio::task<std::string> request::read_chunk() {
  if (!can_read_body()) co_return std::string();
  co_return co_await conn_->read_body_piece();
}

asyncio::task<std::string> request::read() {
  std::string all;
  if (!can_read_body()) co_return all;
  for (;;) {
    std::string piece = co_await conn_->read_body_piece();
    if (piece.empty()) break;
    if (all.empty())
      all = std::move(piece);
    else
      all += piece;
  }
  co_return all;
}

asyncio::task<std::string> request::text() {
  co_return co_await read();
}

asyncio::task<std::string> request::json() {
  std::string body = co_await read();
  if (body.empty()) throw http_exception(400, "400: a JSON body was expected");
  co_return body;
}

asyncio::task<query_params> request::post() {
  const std::string_view type = content_type();
  const bool form = type.substr(0, 33) == "application/x-www-form-urlencoded";
  std::string body = co_await read();
  if (!form) co_return query_params();
  co_return parse_query(body);
}

}  // namespace braid::http
