#pragma once
/// \file
/// Optional JSON conveniences for braid::http's client on nlohmann::json (the only braid::http
/// header that includes it; include it where you want them):
///
/// ```
/// http::request_options o;
/// http::set_json(o, {{"name", "braid"}});           // body and Content-Type
/// auto r = co_await session.post(url, std::move(o));
/// nlohmann::json reply = co_await http::read_json(r);
/// ```

#include <nlohmann/json.hpp>

#include <string>

#include "braid/asyncio/task.hpp"
#include "braid/http/client_response.hpp"
#include "braid/http/client_session.hpp"
#include "braid/http/errors.hpp"

namespace braid::http {

/// Sets `options.json_text` to `value` serialised (aiohttp's json=). Throws
/// nlohmann::json::type_error for invalid UTF-8 in strings. Never suspends.
inline void set_json(request_options& options, const nlohmann::json& value) {
  options.json_text = value.dump();
}

/// The response body parsed as JSON (aiohttp's response.json()). Throws what
/// client_response::json_text() throws, and bad_response_error when the body is not valid JSON.
/// Cancellation as client_response::read().
inline asyncio::task<nlohmann::json> read_json(client_response& response) {
  std::string text = co_await response.json_text();
  try {
    co_return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw bad_response_error(std::string("the body is not JSON: ") + e.what());
  }
}

}  // namespace braid::http
