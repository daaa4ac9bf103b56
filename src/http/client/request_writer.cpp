#include "client/request_writer.hpp"

#include "braid/error.hpp"

namespace braid::http::detail {

namespace {
void check_field(std::string_view name, std::string_view value) {
  for (char ch : name) {
    if (ch == '\r' || ch == '\n' || ch == '\0' || ch == ':' || ch == ' ') {
      throw value_error("invalid header name '" + std::string(name) + "'");
    }
  }
  for (char ch : value) {
    if (ch == '\r' || ch == '\n' || ch == '\0') {
      throw value_error("header '" + std::string(name) + "' holds CR, LF or NUL");
    }
  }
}

void field(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ", 2);
  out.append(value);
  out.append("\r\n", 2);
}
}  // namespace

void write_head(std::string& out, const request_head& h) {
  const url& u = *h.target;
  const headers& base = h.session->headers;
  const headers& own = h.request->headers;
  auto has = [&](std::string_view name) { return own.contains(name) || base.contains(name); };

  out.append(h.method);
  out.push_back(' ');
  if (h.absolute_form) {
    out.append(u.scheme());
    out.append("://", 3);
    out.append(u.authority());
  }
  out.append(u.path());
  if (!u.query().empty()) {
    out.push_back('?');
    out.append(u.query());
  }
  out.append(" HTTP/1.1\r\n", 11);
  if (!has("Host")) field(out, "Host", u.authority());
  for (const auto& [name, value] : base) {
    if (own.contains(name)) continue;
    if (h.strip_authorization && iequals(name, "Authorization")) continue;
    check_field(name, value);
    field(out, name, value);
  }
  for (const auto& [name, value] : own) {
    if (h.strip_authorization && iequals(name, "Authorization")) continue;
    check_field(name, value);
    field(out, name, value);
  }
  if (!has("User-Agent")) field(out, "User-Agent", h.session->user_agent);
  if (!has("Accept")) field(out, "Accept", "*/*");
  if (h.session->auto_decompress && !has("Accept-Encoding")) {
    field(out, "Accept-Encoding", "gzip, deflate");
  }
  if (h.has_body || h.chunked) {
    if (!has("Content-Type") && !h.content_type.empty()) {
      field(out, "Content-Type", h.content_type);
    }
  }
  if (h.chunked) {
    field(out, "Transfer-Encoding", "chunked");
  } else if (h.has_body || h.method == "POST" || h.method == "PUT" || h.method == "PATCH") {
    field(out, "Content-Length", std::to_string(h.body_size));
  }
  if (h.expect_continue) field(out, "Expect", "100-continue");
  if (!h.cookie.empty()) field(out, "Cookie", h.cookie);
  out.append("\r\n", 2);
}

}  // namespace braid::http::detail
