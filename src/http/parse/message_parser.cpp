#include "parse/message_parser.hpp"

#include <llhttp.h>

#include <cstring>

namespace braid::http::detail {

struct message_parser::state {
  llhttp_t parser;
  llhttp_settings_t settings;
};

int parse_error::status() const noexcept {
  switch (failure_) {
    case parse_failure::line_too_long:
      return 414;
    case parse_failure::head_too_large:
      return 431;
    default:
      return 400;
  }
}

// llhttp calls back with its parser; `data` points back at the message_parser.
struct message_parser::callbacks {
  static message_parser& self(llhttp_t* p) { return *static_cast<message_parser*>(p->data); }

  static int fail(message_parser& m, parse_failure f, const char* why) {
    m.pending_failure_ = f;
    m.pending_reason_ = why;
    return -1;
  }

  // Counts head bytes against the limits; `line` is true for the request or status line.
  static int count(message_parser& m, std::size_t n, bool line) {
    m.head_bytes_ += n;
    if (line) {
      m.line_bytes_ += n;
      if (m.line_bytes_ > m.limits_.max_line_size) {
        return fail(m,
                    m.kind_ == message_kind::request ? parse_failure::line_too_long
                                                     : parse_failure::head_too_large,
                    "the start line is too long");
      }
    }
    if (m.head_bytes_ > m.limits_.max_head_size) {
      return fail(m, parse_failure::head_too_large, "the head is too large");
    }
    return 0;
  }

  static int on_message_begin(llhttp_t* p) {
    auto& m = self(p);
    m.started_ = true;
    return 0;
  }
  static int on_url(llhttp_t* p, const char* at, std::size_t n) {
    auto& m = self(p);
    m.started_ = true;
    m.head_.target.append(at, n);
    return count(m, n, true);
  }
  static int on_status(llhttp_t* p, const char* at, std::size_t n) {
    auto& m = self(p);
    m.started_ = true;
    m.head_.reason.append(at, n);
    return count(m, n, true);
  }
  static int on_header_field(llhttp_t* p, const char* at, std::size_t n) {
    auto& m = self(p);
    if (m.in_value_) {
      m.field_.clear();
      m.value_.clear();
      m.in_value_ = false;
    }
    m.field_.append(at, n);
    if (m.field_.size() > m.limits_.max_field_size) {
      return fail(m, parse_failure::head_too_large, "a header field is too long");
    }
    return count(m, n, false);
  }
  static int on_header_value(llhttp_t* p, const char* at, std::size_t n) {
    auto& m = self(p);
    // llhttp 8 accepts obsolete line folding and hands the continuation over as more of the
    // same value, skipping the CRLF and the whitespace: a continuation that does not start
    // where the previous piece ended is a fold, which RFC 9112 says a server rejects.
    if (m.in_value_ && at != m.value_end_) {
      return fail(m, parse_failure::bad_message, "obsolete line folding");
    }
    m.value_end_ = at + n;
    m.in_value_ = true;
    m.value_.append(at, n);
    if (m.field_.size() + m.value_.size() > m.limits_.max_field_size) {
      return fail(m, parse_failure::head_too_large, "a header field is too long");
    }
    return count(m, n, false);
  }
  static int on_header_value_complete(llhttp_t* p) {
    auto& m = self(p);
    if (m.head_.fields.size() >= m.limits_.max_headers) {
      return fail(m, parse_failure::head_too_large, "too many header fields");
    }
    m.head_.fields.add(std::move(m.field_), std::move(m.value_));
    m.field_.clear();
    m.value_.clear();
    m.in_value_ = false;
    return 0;
  }
  // llhttp 8 lets "Host : x" through (whitespace before the colon), which RFC 9112 section 5.1
  // says a server must reject: a proxy may read another field name than the server does.
  static int on_header_field_complete(llhttp_t* p) {
    auto& m = self(p);
    for (const char c : m.field_) {
      const auto u = static_cast<unsigned char>(c);
      const bool tchar = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
                         (u >= 'A' && u <= 'Z') ||
                         (u != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
      if (!tchar) return fail(m, parse_failure::bad_message, "a header field name is not a token");
    }
    return 0;
  }
  static int on_headers_complete(llhttp_t* p) {
    auto& m = self(p);
    auto& h = m.head_;
    h.version_major = p->http_major;
    h.version_minor = p->http_minor;
    if (m.kind_ == message_kind::request) {
      h.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
    } else {
      h.status = p->status_code;
    }
    h.keep_alive = llhttp_should_keep_alive(p) != 0;
    h.chunked = (p->flags & F_CHUNKED) != 0;
    h.has_content_length = (p->flags & F_CONTENT_LENGTH) != 0;
    h.content_length = h.has_content_length ? p->content_length : 0;
    h.upgrade = p->upgrade != 0;
    m.head_done_ = true;
    if (m.no_body_) return 1;  // HEAD response: llhttp skips the body and completes at once
    // Without a body the message completes in the same call: stopping here would only cost
    // another llhttp_execute.
    const bool bodyless = h.has_content_length ? h.content_length == 0
                          : m.kind_ == message_kind::request
                              ? !h.chunked
                              : (h.status < 200 || h.status == 204 || h.status == 304);
    if (bodyless) return 0;
    return HPE_PAUSED;
  }
  static int on_body(llhttp_t* p, const char* at, std::size_t n) {
    auto& m = self(p);
    m.body_.append(at, n);
    m.body_total_ += n;
    return 0;
  }
  static int on_message_complete(llhttp_t* p) {
    auto& m = self(p);
    m.message_done_ = true;
    return HPE_PAUSED;
  }
};

message_parser::message_parser(message_kind kind, parse_limits limits)
    : state_(std::make_unique<state>()), kind_(kind), limits_(limits) {
  auto& s = state_->settings;
  llhttp_settings_init(&s);
  s.on_message_begin = &callbacks::on_message_begin;
  s.on_url = &callbacks::on_url;
  s.on_status = &callbacks::on_status;
  s.on_header_field = &callbacks::on_header_field;
  s.on_header_value = &callbacks::on_header_value;
  s.on_header_field_complete = &callbacks::on_header_field_complete;
  s.on_header_value_complete = &callbacks::on_header_value_complete;
  s.on_headers_complete = &callbacks::on_headers_complete;
  s.on_body = &callbacks::on_body;
  s.on_message_complete = &callbacks::on_message_complete;
  llhttp_init(&state_->parser, kind == message_kind::request ? HTTP_REQUEST : HTTP_RESPONSE, &s);
  state_->parser.data = this;
}

message_parser::~message_parser() = default;

void message_parser::next_message() {
  // Cleared in place rather than replaced: the strings and the field vector keep their capacity
  // for the next request on the connection (one allocation fewer per field and request).
  head_.method.clear();
  head_.target.clear();
  head_.status = 0;
  head_.reason.clear();
  head_.version_major = 1;
  head_.version_minor = 1;
  head_.fields.clear();
  head_.keep_alive = true;
  head_.chunked = false;
  head_.has_content_length = false;
  head_.content_length = 0;
  head_.upgrade = false;
  field_.clear();
  value_.clear();
  in_value_ = false;
  value_end_ = buffer_end_ = nullptr;
  started_ = head_done_ = message_done_ = head_reported_ = false;
  head_bytes_ = line_bytes_ = 0;
  body_.clear();
  body_total_ = 0;
}

namespace {
parse_failure classify(llhttp_errno_t e) {
  switch (e) {
    case HPE_INVALID_CHUNK_SIZE:
      return parse_failure::bad_chunk;
    case HPE_INVALID_EOF_STATE:
      return parse_failure::truncated;
    default:
      return parse_failure::bad_message;
  }
}
}  // namespace

message_parser::result message_parser::feed(std::string_view data) {
  auto* p = &state_->parser;
  // A value piece that ended where the last buffer ended continues at this buffer's start.
  if (value_end_ == buffer_end_) value_end_ = data.data();
  buffer_end_ = data.data() + data.size();
  static constexpr char nothing[1] = {0};
  // An empty feed still runs llhttp: after the head it may complete a message without input.
  const llhttp_errno_t e = llhttp_execute(p, data.empty() ? nothing : data.data(), data.size());
  if (e == HPE_OK) return {event::need_more, data.size()};
  if (e == HPE_PAUSED) {
    const std::size_t used = static_cast<std::size_t>(llhttp_get_error_pos(p) - data.data());
    llhttp_resume(p);
    if (message_done_) return {event::message_end, used};
    head_reported_ = true;
    return {event::head, used};
  }
  if (e == HPE_USER || e == HPE_CB_HEADER_VALUE_COMPLETE || e == HPE_CB_HEADER_FIELD_COMPLETE) {
    throw parse_error(pending_failure_, pending_reason_);
  }
  if (!pending_reason_.empty()) throw parse_error(pending_failure_, pending_reason_);
  throw parse_error(classify(e),
                    std::string(llhttp_errno_name(e)) + ": " + llhttp_get_error_reason(p));
}

bool message_parser::finish() {
  auto* p = &state_->parser;
  if (!started_ || message_done_) return false;
  const llhttp_errno_t e = llhttp_finish(p);
  if (e == HPE_OK || e == HPE_PAUSED) {
    if (e == HPE_PAUSED) llhttp_resume(p);
    if (message_done_) return true;
  }
  throw parse_error(parse_failure::truncated,
                    head_done_ ? "the connection closed before the body was complete"
                               : "the connection closed inside the head");
}

}  // namespace braid::http::detail
