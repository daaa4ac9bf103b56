#pragma once
// Builds a request head (and a small body) into one buffer, so a request on a kept-alive
// connection costs one write. Internal to braid::http.

#include <cstddef>
#include <string>
#include <string_view>

#include "braid/http/client_session.hpp"

namespace braid::http::detail {

struct request_head {
  std::string_view method;
  const url* target = nullptr;
  bool absolute_form = false;  // through an http proxy: "GET http://host/path HTTP/1.1"
  const session_options* session = nullptr;
  const request_options* request = nullptr;
  bool strip_authorization = false;  // after a cross-origin redirect
  std::string_view content_type;     // for a body the caller did not type
  bool has_body = false;
  std::size_t body_size = 0;
  bool chunked = false;
  bool expect_continue = false;
  std::string_view cookie;
};

/// Appends the head to `out`. Throws value_error for a header name or value holding CR, LF or
/// NUL (header injection).
void write_head(std::string& out, const request_head& h);

}  // namespace braid::http::detail
