#include "serve_app.hpp"

#include <charconv>
#include <chrono>
#include <string_view>

#include "braid/asyncio/sleep.hpp"
#include "braid/http/errors.hpp"

namespace braid::tool {

namespace {

using http::request;
using http::response;

bool to_number(std::string_view s, unsigned long long& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

asyncio::task<response> plaintext(request&) {
  co_return response::text("Hello, World!");
}

asyncio::task<response> json(request&) {
  co_return response::json(R"({"message":"Hello, World!"})");
}

asyncio::task<response> delay(request& req) {
  unsigned long long ms = 0;
  if (!to_number(req.match_info().get("ms"), ms) || ms > 60'000) {
    co_return response::text("400: delay is 0..60000 ms", 400);
  }
  co_await asyncio::sleep(std::chrono::milliseconds(ms));
  co_return response::text("delayed " + std::to_string(ms) + " ms");
}

asyncio::task<response> bytes(request& req) {
  unsigned long long n = 0;
  if (!to_number(req.match_info().get("n"), n) || n > serve_max_bytes) {
    co_return response::text("400: bytes is 0..104857600", 400);
  }
  co_return response::bytes(std::string(static_cast<std::size_t>(n), 'x'));
}

asyncio::task<response> status(request& req) {
  unsigned long long code = 0;
  if (!to_number(req.match_info().get("code"), code) || code < 200 || code > 599) {
    co_return response::text("400: status is 200..599", 400);
  }
  const int c = static_cast<int>(code);
  co_return response::text(std::to_string(c) + ": " + http::reason_phrase(c), c);
}

}  // namespace

void add_demo_routes(http::application& app, const std::string& root) {
  auto& r = app.router();
  r.add_get("/plaintext", plaintext);
  r.add_get("/json", json);
  r.add_get("/delay/{ms:[0-9]+}", delay);
  r.add_get("/bytes/{n:[0-9]+}", bytes);
  r.add_route("*", "/status/{code:[0-9]+}", status);
  if (!root.empty()) r.add_static("/", root);
}

}  // namespace braid::tool
