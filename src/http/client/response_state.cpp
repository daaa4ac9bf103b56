#include "client/response_state.hpp"

#include <span>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/net_errors.hpp"
#include "braid/asyncio/ssl_error.hpp"
#include "braid/asyncio/timeout.hpp"
#include "braid/http/errors.hpp"

namespace braid::http::detail {

namespace {
asyncio::task<std::size_t> read_some(connection& c) {
  co_return co_await c.reader.read_into(std::as_writable_bytes(std::span(c.in)));
}
}  // namespace

asyncio::task<std::size_t> fill(connection& c, std::chrono::nanoseconds sock_read,
                                const url& for_url) {
  c.pos = c.len = 0;
  try {
    std::size_t n;
    if (sock_read.count() > 0) {
      try {
        n = co_await asyncio::timeout(sock_read, read_some(c));
      } catch (const asyncio::timeout_error&) {
        throw client_timeout_error(timeout_kind::sock_read, for_url.str(false));
      }
    } else {
      n = co_await c.reader.read_into(std::as_writable_bytes(std::span(c.in)));
    }
    c.len = n;
    if (n == c.in.size() && c.in.size() < connection::max_buffer) c.in.resize(c.in.size() * 2);
    co_return n;
  } catch (const asyncio::connection_error& e) {
    throw server_disconnected_error(e.what(), e.code());
  } catch (const asyncio::ssl_error& e) {
    throw server_disconnected_error(e.what(), e.code());
  }
}

message_parser::result feed_parser(connection& c, bool in_body) {
  try {
    auto r = c.parser->feed(std::string_view(c.in.data() + c.pos, c.len - c.pos));
    c.pos += r.consumed;
    return r;
  } catch (const parse_error& e) {
    switch (e.failure()) {
      case parse_failure::bad_chunk:
        throw bad_chunk_error(e.what());
      case parse_failure::truncated:
        if (in_body) throw truncated_body_error(e.what());
        throw server_disconnected_error(e.what());
      default:
        // llhttp reports a malformed chunk size line as a generic error too.
        if (in_body && c.parser->head().chunked) throw bad_chunk_error(e.what());
        throw bad_response_error(e.what());
    }
  }
}

void take_head(response_state& s, connection& c) {
  auto& h = c.parser->head();
  s.status = h.status;
  s.reason = std::move(h.reason);
  s.fields = std::move(h.fields);
  s.keep_alive = h.keep_alive;
  if (h.has_content_length) s.content_length = h.content_length;
}

void finish_body(response_state& s) noexcept {
  s.complete = true;
  if (!s.conn) return;
  connection& c = *s.conn;
  // Bytes past the response on a connection braid does not pipeline mean a confused server.
  const bool reusable = s.keep_alive && c.pos == c.len;
  if (reusable) c.parser->next_message();
  s.conn.release(reusable);
}

namespace {
std::string decode(response_state& s, std::string&& raw, bool whole) {
  if (s.coding == content_coding::identity || raw.empty()) return std::move(raw);
  if (!s.decoder) {
    s.decoder.emplace(s.coding, whole ? s.limits.max_decompressed_size : 0,
                      s.limits.max_decompression_ratio);
  }
  std::string out;
  s.decoder->feed(raw, out);
  return out;
}

std::string take_body(message_parser& p) {
  std::string raw = std::move(p.body());
  p.body().clear();
  return raw;
}

void end_decoding(response_state& s) {
  if (s.decoder) s.decoder->finish();
}
}  // namespace

asyncio::task<std::string> next_piece(response_state& s, bool whole) {
  for (;;) {
    if (s.complete) co_return std::string();
    if (!s.conn) throw invalid_state_error("the response was released before its body was read");
    connection& c = *s.conn;
    message_parser& p = *c.parser;
    if (c.pos < c.len || p.message_complete()) {
      const auto r = p.message_complete()
                         ? message_parser::result{message_parser::event::message_end, 0}
                         : feed_parser(c, true);
      if (whole && p.body_received() > s.limits.max_body_size) {
        throw payload_too_large_error(s.limits.max_body_size, "the response body");
      }
      std::string out = decode(s, take_body(p), whole);
      if (r.what == message_parser::event::message_end) {
        end_decoding(s);
        finish_body(s);
        co_return out;
      }
      if (!out.empty()) co_return out;
      continue;
    }
    const std::size_t n = co_await fill(c, s.sock_read, s.final_url);
    if (n == 0) {
      try {
        p.finish();  // a body that runs to EOF ends here; a framed one throws
      } catch (const parse_error& e) {
        throw truncated_body_error(e.what());
      }
      std::string out = decode(s, take_body(p), whole);
      end_decoding(s);
      s.keep_alive = false;
      finish_body(s);
      co_return out;
    }
  }
}

}  // namespace braid::http::detail
