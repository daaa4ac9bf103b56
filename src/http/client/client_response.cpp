#include "braid/http/client_response.hpp"

#include <cctype>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/timeout.hpp"
#include "braid/http/errors.hpp"
#include "client/response_state.hpp"

namespace braid::http {

using detail::response_state;

client_response::client_response() noexcept = default;
client_response::client_response(std::unique_ptr<response_state> state) noexcept
    : s_(std::move(state)) {}
client_response::client_response(client_response&&) noexcept = default;
client_response& client_response::operator=(client_response&&) noexcept = default;
client_response::~client_response() = default;  // the lease closes an unfinished connection

namespace {
const response_state& need(const std::unique_ptr<response_state>& s) {
  if (!s) throw invalid_state_error("empty client_response");
  return *s;
}
const std::string empty_string;
const http::headers empty_headers;
const http::url empty_url;
const std::vector<redirect_hop> empty_history;

std::string lower(std::string_view v) {
  std::string out(v);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}
std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// ISO-8859-1 maps each byte to the code point of the same value.
std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size() + in.size() / 8);
  for (char ch : in) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (b >> 6)));
      out.push_back(static_cast<char>(0x80 | (b & 0x3F)));
    }
  }
  return out;
}

bool is_latin1(std::string_view cs) {
  return cs == "iso-8859-1" || cs == "latin-1" || cs == "latin1" || cs == "iso8859-1" ||
         cs == "iso_8859-1" || cs == "l1" || cs == "cp819" || cs == "ibm819";
}

// A read under the response's total deadline.
// A read under the response's total deadline. Any failure (cancellation included) closes
// the connection at once: a body read half-way cannot be reused.
template <class T>
asyncio::task<T> bounded(response_state& s, asyncio::task<T> body) {
  try {
    if (!s.deadline) co_return co_await std::move(body);
    try {
      co_return co_await asyncio::timeout_at(*s.deadline, std::move(body));
    } catch (const asyncio::timeout_error&) {
      throw client_timeout_error(timeout_kind::total, s.final_url.str(false));
    }
  } catch (...) {
    s.conn.release(false);
    throw;
  }
}

asyncio::task<std::string> read_all(response_state& s) {
  std::string all;
  for (;;) {
    std::string piece = co_await detail::next_piece(s, true);
    if (piece.empty() && s.complete) break;
    if (all.empty()) {
      all = std::move(piece);
    } else {
      all += piece;
    }
  }
  co_return all;
}

asyncio::task<std::string> next_chunk(response_state& s, std::size_t n) {
  while (s.pending.size() < n && !s.complete) {
    std::string piece = co_await detail::next_piece(s, false);
    if (s.pending.empty()) {
      s.pending = std::move(piece);
    } else {
      s.pending += piece;
    }
  }
  std::string out;
  if (s.pending.size() <= n) {
    out = std::move(s.pending);
    s.pending.clear();
  } else {
    out = s.pending.substr(0, n);
    s.pending.erase(0, n);
  }
  co_return out;
}

asyncio::task<std::string> next_any(response_state& s) {
  if (!s.pending.empty()) {
    std::string out = std::move(s.pending);
    s.pending.clear();
    co_return out;
  }
  for (;;) {
    std::string piece = co_await detail::next_piece(s, false);
    if (!piece.empty() || s.complete) co_return piece;
  }
}
}  // namespace

int client_response::status() const noexcept {
  return s_ ? s_->status : 0;
}
const std::string& client_response::reason() const noexcept {
  return s_ ? s_->reason : empty_string;
}
const http::headers& client_response::headers() const noexcept {
  return s_ ? s_->fields : empty_headers;
}
const http::url& client_response::url() const noexcept {
  return s_ ? s_->final_url : empty_url;
}
const std::string& client_response::method() const noexcept {
  return s_ ? s_->method : empty_string;
}
const std::vector<redirect_hop>& client_response::history() const noexcept {
  return s_ ? s_->history : empty_history;
}
std::optional<std::uint64_t> client_response::content_length() const noexcept {
  return s_ ? s_->content_length : std::nullopt;
}
std::string client_response::content_type() const {
  const std::string_view v = headers().get_or("Content-Type", "");
  return lower(trim(v.substr(0, v.find(';'))));
}
std::string client_response::charset() const {
  std::string_view v = headers().get_or("Content-Type", "");
  for (auto semi = v.find(';'); semi != std::string_view::npos; semi = v.find(';')) {
    v.remove_prefix(semi + 1);
    std::string_view param = trim(v.substr(0, v.find(';')));
    if (param.size() > 8 && iequals(param.substr(0, 8), "charset=")) {
      std::string_view cs = trim(param.substr(8));
      if (cs.size() >= 2 && cs.front() == '"' && cs.back() == '"') cs = cs.substr(1, cs.size() - 2);
      return lower(cs);
    }
  }
  return {};
}

// The common case of a small identity body that arrived with the head: parse what is buffered
// and finish without a coroutine, a timer or a read. False when more must be read (what was
// parsed stays in the parser for next_piece()).
static bool read_buffered(response_state& s) {
  if (s.complete) {
    s.body.emplace();
    return true;
  }
  if (!s.conn || s.coding != detail::content_coding::identity) return false;
  detail::connection& c = *s.conn;
  if (c.pos == c.len) return false;
  const auto r = detail::feed_parser(c, true);
  if (c.parser->body_received() > s.limits.max_body_size) {
    s.conn.release(false);
    throw payload_too_large_error(s.limits.max_body_size, "the response body");
  }
  if (r.what != detail::message_parser::event::message_end) return false;
  s.body.emplace(std::move(c.parser->body()));
  c.parser->body().clear();
  detail::finish_body(s);
  return true;
}

asyncio::task<std::string> client_response::read() {
  response_state& s = const_cast<response_state&>(need(s_));
  if (!s.body && s.pending.empty() && !s.released) {
    bool done = false;
    try {
      done = read_buffered(s);
    } catch (...) {
      s.conn.release(false);  // a broken body: the connection cannot be reused
      throw;
    }
    if (done) co_return *s.body;
  }
  if (!s.body) {
    if (s.released && !s.complete) {
      throw invalid_state_error("the response was released before its body was read");
    }
    if (s.content_length && *s.content_length > s.limits.max_body_size) {
      s.conn.release(false);
      s.released = true;
      throw payload_too_large_error(s.limits.max_body_size, "the response body");
    }
    s.body = co_await bounded(s, read_all(s));
  }
  co_return *s.body;
}

asyncio::task<std::string> client_response::text() {
  std::string cs = charset();
  co_return co_await text(std::move(cs));
}

asyncio::task<std::string> client_response::text(std::string encoding) {
  std::string body = co_await read();
  if (is_latin1(lower(encoding))) co_return latin1_to_utf8(body);
  co_return body;  // UTF-8, ASCII, none, or a charset braid has no table for: as received
}

asyncio::task<std::string> client_response::json_text() {
  const std::string type = content_type();
  const bool is_json = type == "application/json" ||
                       (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
  if (!is_json) {
    release();
    throw client_response_error(status(),
                                "attempt to decode JSON with unexpected mimetype '" + type + "'",
                                url().str(false), "bad_response");
  }
  co_return co_await text();
}

asyncio::task<std::string> client_response::iter_chunked(std::size_t n) {
  response_state& s = const_cast<response_state&>(need(s_));
  if (n == 0) n = 1;
  co_return co_await bounded(s, next_chunk(s, n));
}

asyncio::task<std::string> client_response::iter_any() {
  response_state& s = const_cast<response_state&>(need(s_));
  co_return co_await bounded(s, next_any(s));
}

void client_response::raise_for_status() {
  if (!s_ || s_->status < 400) return;
  release();
  throw client_response_error(s_->status, s_->reason, s_->final_url.str(false));
}

void client_response::release() noexcept {
  if (!s_) return;
  s_->released = true;
  if (s_->conn) s_->conn.release(false);
}

bool client_response::body_complete() const noexcept {
  return s_ && s_->complete;
}
bool client_response::reused_connection() const noexcept {
  return s_ && s_->reused;
}

}  // namespace braid::http
