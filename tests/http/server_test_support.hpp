#pragma once
// Helpers of the server tests: a server on a loopback port of the test's loop, and raw clients
// that send exact bytes (the only way to test framing, pipelining and smuggling).

#include <string>
#include <string_view>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"

namespace braid::http::test {

/// 127.0.0.1, a free port, and timeouts a test never reaches by accident.
inline serve_options loopback_options() {
  serve_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  return o;
}

/// Sends `raw`, half-closes, and reads everything until the server closes.
inline asyncio::task<std::string> exchange(std::uint16_t port, std::string raw) {
  auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", port);
  writer.write(raw);
  co_await writer.drain();
  writer.write_eof();
  std::string all = co_await reader.read();
  writer.close();
  co_await writer.wait_closed();
  co_return all;
}

/// Sends `raw` without half-closing and reads until the server closes the connection.
inline asyncio::task<std::string> send_until_closed(std::uint16_t port, std::string raw) {
  auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", port);
  writer.write(raw);
  co_await writer.drain();
  std::string all = co_await reader.read();
  writer.close();
  co_await writer.wait_closed();
  co_return all;
}

/// Reads one response with a Content-Length body (no chunked) from `r`.
inline asyncio::task<std::string> read_response(asyncio::stream_reader& r) {
  std::string head = co_await r.read_until("\r\n\r\n");
  std::size_t length = 0;
  auto at = head.find("Content-Length: ");
  if (at != std::string::npos) length = std::stoul(head.substr(at + 16));
  // (no `cond ? co_await a : b`: g++ 12 destroys the temporary twice)
  std::string body;
  if (length > 0) body = co_await r.read_exactly(length);
  co_return head + body;
}

/// How many times `needle` occurs in `hay`.
inline std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (auto p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace braid::http::test
