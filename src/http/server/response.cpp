#include "braid/http/response.hpp"

namespace braid::http {

namespace {
constexpr std::string_view text_plain = "text/plain; charset=utf-8";
constexpr std::string_view application_json = "application/json";
}  // namespace

std::string_view response::content_type() const noexcept {
  if (!static_type_.empty()) return static_type_;
  return content_type_;
}

response response::text(std::string body, int status) {
  response r(status);
  r.static_type_ = text_plain;
  r.body_ = std::move(body);
  return r;
}

response response::text(std::string body, int status, std::string content_type) {
  response r(status);
  r.content_type_ = std::move(content_type);
  r.body_ = std::move(body);
  return r;
}

response response::json(std::string json_text, int status) {
  response r(status);
  r.static_type_ = application_json;
  r.body_ = std::move(json_text);
  return r;
}

response response::bytes(std::string body, std::string content_type) {
  response r(200);
  r.content_type_ = std::move(content_type);
  r.body_ = std::move(body);
  return r;
}

response response::file(std::string path) {
  response r(200);
  r.kind_ = body_kind::file;
  r.file_path_ = std::move(path);
  return r;
}

response response::stream(producer body, std::string content_type) {
  response r(200);
  r.kind_ = body_kind::stream;
  r.producer_ = std::move(body);
  r.content_type_ = std::move(content_type);
  return r;
}

}  // namespace braid::http
