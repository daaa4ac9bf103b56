#include "server/connection.hpp"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <utility>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/net_errors.hpp"
#include "braid/asyncio/sleep.hpp"
#include "braid/http/errors.hpp"

namespace braid::http::detail {

namespace {
// The read buffer starts small (an idle keep-alive connection holds little memory) and doubles
// whenever a read fills it, up to the largest size.
constexpr std::size_t first_read_buffer = 2 * 1024;
constexpr std::size_t largest_read_buffer = 64 * 1024;
// Above this much queued output a batch waits for the socket (the stream's high-water mark).
constexpr std::size_t output_high_water = 64 * 1024;

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, r.ptr);
}

bool has_body(int status) noexcept {
  return status >= 200 && status != 204 && status != 304;
}

// A header name or value with CR, LF or NUL would let a handler's input split the response.
bool safe_field(std::string_view s) noexcept {
  for (const char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

asyncio::time_point now() {
  return asyncio::event_loop::running().time();
}
}  // namespace

namespace {
asyncio::task<response> answer_exception(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const http_exception& h) {
    std::string body =
        h.body().empty() ? std::to_string(h.status()) + ": " + reason_phrase(h.status()) : h.body();
    response r = response::text(std::move(body), h.status());
    for (const auto& [name, value] : h.extra_headers()) r.headers().add(name, value);
    co_return r;
  } catch (const std::exception& x) {
    std::fprintf(stderr, "braid::http: unhandled exception in a handler: %s\n", x.what());
  } catch (...) {
    std::fprintf(stderr, "braid::http: unhandled exception in a handler\n");
  }
  co_return response::text("500: Internal Server Error", 500);
}
}  // namespace

server_connection::server_connection(std::shared_ptr<server_core> core, asyncio::stream_reader r,
                                     asyncio::stream_writer w)
    : core_(std::move(core)),
      reader_(std::move(r)),
      writer_(std::move(w)),
      parser_(message_kind::request, core_->limits),
      buf_(new char[first_read_buffer]),
      cap_(first_read_buffer) {
  // Linked first thing, unlinked by the destructor: a cancelled connection leaves no dangling
  // entry for the sweeper.
  next = core_->first;
  if (next) next->prev = this;
  core_->first = this;
  ++core_->open;
  ++core_->stats.connections;
}

server_connection::~server_connection() {
  if (prev)
    prev->next = next;
  else
    core_->first = next;
  if (next) next->prev = prev;
  --core_->open;
}

void server_connection::grow_if_full() {
  if (end_ < cap_ || cap_ >= largest_read_buffer) return;
  std::unique_ptr<char[]> bigger(new char[cap_ * 2]);
  std::memcpy(bigger.get(), buf_.get(), end_);
  buf_ = std::move(bigger);
  cap_ *= 2;
}

void server_connection::flush_output() {
  if (out_.empty()) return;
  writer_.write(out_);
  out_.clear();
  ++core_->stats.writes;
}

asyncio::task<void> server_connection::send(std::string_view data) {
  flush_output();
  writer_.write(data);
  co_await writer_.drain();
}

asyncio::task<std::size_t> server_connection::read_more(phase waiting, asyncio::time_point until) {
  state = waiting;
  deadline = until;
  const std::size_t n = co_await reader_.read_into(
      std::span<std::byte>(reinterpret_cast<std::byte*>(buf_.get()), cap_));
  state = phase::handling;
  begin_ = 0;
  end_ = n;
  grow_if_full();
  co_return n;
}

asyncio::task<void> server_connection::run() {
  auto& opt = core_->options;
  // A connection's first request has the head timeout from the accept on; later ones from
  // their first byte, and an idle connection the keep-alive timeout.
  asyncio::time_point until = now() + opt.request_head_timeout;
  bool head_clock = true;
  for (;;) {
    if (begin_ == end_) {
      // The batch is parsed and answered: one write for all of it.
      const bool wrote = !out_.empty();
      flush_output();
      // Let the loop's other ready connections run before reading again: the peer needs a
      // moment to answer what was just sent, and a receive tried at once mostly finds nothing
      // (EAGAIN: a wasted system call per request without pipelining).
      if (wrote) co_await asyncio::sleep(std::chrono::nanoseconds(0));
      if (writer_.write_buffer_size() > output_high_water) co_await writer_.drain();
      if (core_->shutting_down && !parser_.in_message()) break;
      const phase waiting = parser_.in_message() ? phase::head : phase::idle;
      // (read_more inlined: the hot path saves a coroutine frame per batch)
      state = waiting;
      // The keep-alive deadline counts from here, once per batch rather than per request.
      deadline = head_clock ? until : now() + opt.keepalive_timeout;
      const std::size_t n = co_await reader_.read_into(
          std::span<std::byte>(reinterpret_cast<std::byte*>(buf_.get()), cap_));
      state = phase::handling;
      begin_ = 0;
      end_ = n;
      grow_if_full();
      if (n == 0) break;  // the peer closed (or a timeout or shutdown closed us)
      continue;
    }
    message_parser::result res{};
    try {
      res = parser_.feed(std::string_view(buf_.get() + begin_, end_ - begin_));
    } catch (const parse_error& e) {
      append_error(e.status());
      break;
    }
    begin_ += res.consumed;
    if (res.what == message_parser::event::need_more) {
      // Part of a head: from its first byte the head timeout runs.
      if (!head_clock) {
        head_clock = true;
        until = now() + opt.request_head_timeout;
      }
      continue;
    }
    // One request, in this frame rather than a coroutine of its own (a frame fewer per
    // request). `req` views the parser's head: it ends before next_message().
    bool keep = parser_.head().keep_alive && !core_->shutting_down;
    {
      request req(*this, parser_.head());
      if (opt.access_log) started_ = std::chrono::steady_clock::now();
      state = phase::handling;
      std::exception_ptr failure;
      std::optional<response> resp;
      try {
        resp.emplace(co_await core_->app->entry()(req));
      } catch (const asyncio::cancelled_error&) {
        throw;
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) resp.emplace(co_await answer_exception(failure));
      ++core_->stats.requests;
      if (!parser_.message_complete()) {
        // (an if, not `a && co_await b`: g++ 12 mishandles co_await in conditional operands)
        bool skipped = false;
        if (!close_after_) skipped = co_await skip_body();
        keep = keep && skipped;
      }
      if (close_after_ || core_->shutting_down) keep = false;
      if (resp->kind() == response::body_kind::buffered) {
        keep = write_buffered(req, *resp, keep);
      } else {
        keep = co_await write_response(req, *resp, keep);
      }
    }
    if (!keep) break;
    parser_.next_message();
    continue_sent_ = false;
    head_clock = false;
  }
  flush_output();
  writer_.close();
}

// "Server: braid\r\nDate: ...\r\n", rebuilt when the second changes: one append per response.
std::string_view server_connection::common_fields() {
  const std::string_view date = http_date();
  if (date != cached_date_) {
    cached_date_.assign(date);
    common_.clear();
    const auto& server_name = core_->options.server_name;
    if (!server_name.empty()) {
      common_ += "Server: ";
      common_ += server_name;
      common_ += "\r\n";
    }
    common_ += "Date: ";
    common_ += date;
    common_ += "\r\n";
  }
  return common_;
}

void server_connection::append_error(int status) {
  response resp = response::text(std::to_string(status) + ": " + reason_phrase(status), status);
  const std::string_view body = resp.body();
  out_ += "HTTP/1.1 ";
  append_number(out_, static_cast<unsigned>(status));
  out_ += ' ';
  out_ += reason_phrase(status);
  out_ += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
  append_number(out_, body.size());
  out_ += "\r\nConnection: close\r\n\r\n";
  out_ += body;
}

// The handler left (part of) the body unread: read it away if it is small, else close.
asyncio::task<bool> server_connection::skip_body() {
  const auto& head = parser_.head();
  if (head.has_content_length &&
      head.content_length - parser_.body_received() > core_->options.client_max_size) {
    co_return false;
  }
  // A client waiting for 100 Continue may or may not send the body: the framing is unknown.
  if (!continue_sent_ && iequals(head.fields.get_or("Expect", ""), "100-continue") &&
      begin_ == end_) {
    co_return false;
  }
  std::uint64_t skipped = 0;
  try {
    for (;;) {
      std::string piece = co_await read_body_piece();
      if (piece.empty()) co_return true;
      skipped += piece.size();
      if (skipped > core_->options.client_max_size) co_return false;
    }
  } catch (const http_exception&) {
    co_return false;
  }
}

asyncio::task<std::string> server_connection::read_body_piece() {
  auto& head = parser_.head();
  const std::size_t max = core_->options.client_max_size;
  if (head.has_content_length && head.content_length > max) {
    close_after_ = true;
    throw http_exception(413, "413: Request Entity Too Large");
  }
  for (;;) {
    if (!parser_.body().empty()) {
      if (parser_.body_received() > max) {
        close_after_ = true;
        throw http_exception(413, "413: Request Entity Too Large");
      }
      std::string piece;
      piece.swap(parser_.body());
      co_return piece;
    }
    if (parser_.message_complete()) co_return std::string();
    if (begin_ < end_) {
      message_parser::result res{};
      try {
        res = parser_.feed(std::string_view(buf_.get() + begin_, end_ - begin_));
      } catch (const parse_error& e) {
        close_after_ = true;
        throw http_exception(e.status(), std::string("bad request body: ") + e.what());
      }
      begin_ += res.consumed;
      continue;
    }
    if (!continue_sent_ && iequals(head.fields.get_or("Expect", ""), "100-continue") &&
        head.version_minor >= 1) {
      flush_output();
      writer_.write("HTTP/1.1 100 Continue\r\n\r\n");
      continue_sent_ = true;
    }
    flush_output();
    std::size_t n = 0;
    try {
      n = co_await read_more(phase::body, now() + core_->options.body_timeout);
    } catch (const asyncio::connection_error&) {
      n = 0;  // reset mid-body: the same as a body cut short, not a handler's failure
    }
    if (n == 0) {
      close_after_ = true;
      throw http_exception(400, "400: the request body is incomplete");
    }
  }
}

void server_connection::append_head(const request& req, const response& resp,
                                    std::string_view framing, bool keep, std::string_view extra) {
  const int status = resp.status();
  out_ += "HTTP/1.1 ";
  append_number(out_, static_cast<unsigned>(status));
  out_ += ' ';
  if (!resp.reason().empty() && safe_field(resp.reason()))
    out_ += resp.reason();
  else
    out_ += reason_phrase(status);
  out_ += "\r\n";
  out_ += common_fields();
  const std::string_view type = resp.content_type();
  if (!type.empty() && safe_field(type)) {
    out_ += "Content-Type: ";
    out_ += type;
    out_ += "\r\n";
  }
  for (const auto& [name, value] : resp.headers()) {
    if (!safe_field(name) || !safe_field(value)) continue;  // never split the response
    out_ += name;
    out_ += ": ";
    out_ += value;
    out_ += "\r\n";
  }
  out_ += framing;
  out_ += extra;
  if (!keep)
    out_ += "Connection: close\r\n";
  else if (req.version_minor() == 0)
    out_ += "Connection: keep-alive\r\n";
  out_ += "\r\n";
}

asyncio::task<bool> server_connection::write_response(request& req, response& resp, bool keep) {
  if (resp.kind() == response::body_kind::stream) co_return co_await write_stream(req, resp, keep);
  if (resp.kind() == response::body_kind::file) co_return co_await write_file(req, resp, keep);
  co_return write_buffered(req, resp, keep);
}

// The common case, without a coroutine frame: the whole response into the batch's output.
bool server_connection::write_buffered(request& req, response& resp, bool keep) {
  const bool head_only = req.method() == "HEAD";
  const int status = resp.status();
  if (has_body(status)) {
    char framing[48] = "Content-Length: ";
    auto r = std::to_chars(framing + 16, framing + 40, resp.body().size());
    *r.ptr++ = '\r';
    *r.ptr++ = '\n';
    append_head(req, resp, std::string_view(framing, static_cast<std::size_t>(r.ptr - framing)),
                keep);
    if (!head_only) out_ += resp.body();
  } else {
    append_head(req, resp, {}, keep);
  }
  log(req, status, head_only ? 0 : resp.body().size());
  return keep;
}

asyncio::task<bool> server_connection::write_stream(request& req, response& resp, bool keep) {
  const bool head_only = req.method() == "HEAD";
  const bool sized = resp.headers().contains("Content-Length");
  const bool chunked = !sized && req.version_minor() >= 1;
  if (!sized && !chunked) keep = false;  // HTTP/1.0: the body ends when the connection does
  append_head(req, resp, chunked ? "Transfer-Encoding: chunked\r\n" : "", keep);
  flush_output();
  body_writer body(*this, chunked, head_only || !has_body(resp.status()));
  if (resp.stream_body()) {
    try {
      co_await resp.stream_body()(body);
    } catch (const asyncio::cancelled_error&) {
      throw;
    } catch (const std::exception& e) {
      // The head is out: no status can tell the client. An unterminated body (no last chunk,
      // then the close) is how HTTP/1.1 says the response failed.
      std::fprintf(stderr, "braid::http: a streamed body failed: %s\n", e.what());
      co_return false;
    }
  }
  if (chunked && !head_only) co_await send("0\r\n\r\n");
  log(req, resp.status(), body.written());
  co_return keep;
}

void server_connection::log(const request& req, int status, std::uint64_t bytes) {
  const auto& cb = core_->options.access_log;
  if (!cb) return;
  const std::string remote = req.remote();
  access_log_entry e;
  e.remote = remote;
  e.method = req.method();
  e.target = req.target();
  e.version_major = req.version_major();
  e.version_minor = req.version_minor();
  e.status = status;
  e.body_bytes = bytes;
  e.referer = req.header("Referer");
  e.user_agent = req.header("User-Agent");
  e.duration = std::chrono::steady_clock::now() - started_;
  try {
    cb(e);
  } catch (...) {
    // A failing log must not take the connection down.
  }
}

asyncio::task<void> serve_connection(std::weak_ptr<server_core> weak, asyncio::stream_reader r,
                                     asyncio::stream_writer w) {
  std::shared_ptr<server_core> core = weak.lock();
  if (!core) co_return;  // the runner is gone: the server closes the connection
  server_connection c(std::move(core), std::move(r), std::move(w));
  try {
    co_await c.run();
  } catch (const asyncio::cancelled_error&) {
    throw;
  } catch (const std::exception&) {
    // The peer reset or broke the connection mid-request: nothing to answer, nobody to tell.
    c.writer().abort();
  }
}

}  // namespace braid::http::detail

namespace braid::http {

asyncio::task<void> body_writer::write(std::string_view data) {
  if (data.empty()) co_return;
  written_ += data.size();
  if (discard_) co_return;
  if (chunked_) {
    char size[24];
    auto r = std::to_chars(size, size + 20, data.size(), 16);
    *r.ptr++ = '\r';
    *r.ptr++ = '\n';
    auto& w = c_->writer();
    w.write(std::string_view(size, static_cast<std::size_t>(r.ptr - size)));
    w.write(data);
    co_await c_->send("\r\n");
  } else {
    co_await c_->send(data);
  }
}

}  // namespace braid::http
