#pragma once
// Helpers of the client tests: small scripted HTTP servers on braid's start_server, run on the
// loop of the test itself (loopback only).

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"
#include "parse/message_parser.hpp"

namespace braid::http::test {

using asyncio::stream_reader;
using asyncio::stream_writer;
using asyncio::task;

/// A parsed request as a test server saw it.
struct seen_request {
  std::string method, target;
  http::headers fields;
  std::string body;
};

/// Reads one request (head and body, chunked or not) off `r` with braid's own parser; nullopt
/// at EOF before a request. `buf` keeps bytes of the next request.
inline task<std::optional<seen_request>> read_request(stream_reader& r, std::string& buf,
                                                      detail::message_parser& p) {
  p.next_message();
  for (;;) {
    if (!buf.empty()) {
      auto res = p.feed(buf);
      buf.erase(0, res.consumed);
      if (res.what == detail::message_parser::event::message_end) {
        seen_request s{p.head().method, p.head().target, p.head().fields, std::move(p.body())};
        co_return s;
      }
      if (res.what == detail::message_parser::event::head && !buf.empty()) continue;
      if (res.what == detail::message_parser::event::head) {
        // The head alone: 100-continue servers act here; the caller reads the body on.
        if (p.head().fields.contains("Expect")) {
          seen_request s{p.head().method, p.head().target, p.head().fields, {}};
          co_return s;
        }
      }
    }
    std::string more = co_await r.read(65536);
    if (more.empty()) co_return std::nullopt;
    buf += more;
  }
}

/// "HTTP/1.1 200 OK" with `body` and Content-Length, plus `extra` header lines ("A: b\r\n").
inline std::string response(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

/// Starts `handler` on 127.0.0.1 and returns the server and its base URL.
inline task<std::pair<asyncio::server, std::string>> serve(asyncio::connection_handler handler) {
  asyncio::server srv = co_await asyncio::start_server(std::move(handler), "127.0.0.1", 0);
  const std::string base = "http://127.0.0.1:" + std::to_string(srv.addresses().at(0).port());
  co_return std::make_pair(srv, base);
}

/// Closes with a reset (SO_LINGER 0), as a crashing server does.
inline void reset(stream_writer& w) {
  w.abort();
}

/// A server that answers every request on a connection with `body` (keep-alive) and counts
/// accepted connections.
struct counting_server {
  int accepted = 0;
  int requests = 0;
  int active = 0, max_active = 0;
  std::string last_cookie;
  asyncio::connection_handler handler() {
    return [this](stream_reader r, stream_writer w) -> task<void> {
      const int id = ++accepted;
      std::string buf;
      detail::message_parser p(detail::message_kind::request, detail::parse_limits{});
      for (;;) {
        auto req = co_await read_request(r, buf, p);
        if (!req) break;
        ++requests;
        ++active;
        max_active = std::max(max_active, active);
        // Let other connections' requests arrive while this one is "busy".
        for (int i = 0; i < 5; ++i) co_await asyncio::sleep(std::chrono::seconds(0));
        --active;
        last_cookie = std::string(req->fields.get_or("Cookie", ""));
        w.write(response(200, "hello " + req->target, "X-Conn: " + std::to_string(id) + "\r\n"));
        co_await w.drain();
      }
    };
  }
};

}  // namespace braid::http::test
