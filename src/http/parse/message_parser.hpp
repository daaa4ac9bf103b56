#pragma once
// braid::http's one wrapper around llhttp, shared by the server (requests) and the client
// (responses). It turns llhttp's callbacks into three stopping points a coroutine can act on:
// the head is complete, body bytes arrived, the message is complete. llhttp itself stays out of
// every header: the parser state lives behind a pointer.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "braid/http/headers.hpp"

namespace braid::http::detail {

/// Bounds on what a peer may send before the body (defaults as aiohttp's and nginx's).
struct parse_limits {
  std::size_t max_line_size = 8190;   ///< request line or status line
  std::size_t max_field_size = 8190;  ///< one header field, name and value
  std::size_t max_headers = 100;      ///< number of header fields
  std::size_t max_head_size = 65536;  ///< the whole head
};

enum class message_kind { request, response };

/// What went wrong, so the server picks a status and the client an error type.
enum class parse_failure {
  bad_message,     ///< not HTTP/1.x, or ambiguous framing (request smuggling): 400
  line_too_long,   ///< request line over max_line_size: 414
  head_too_large,  ///< header count or size over the limits: 431
  bad_chunk,       ///< chunked transfer coding that does not parse
  truncated,       ///< EOF before the message was complete
};

class parse_error : public std::runtime_error {
 public:
  parse_error(parse_failure failure, const std::string& why)
      : std::runtime_error(why), failure_(failure) {}
  parse_failure failure() const noexcept { return failure_; }
  /// The status a server answers this failure with.
  int status() const noexcept;

 private:
  parse_failure failure_;
};

struct message_head {
  std::string method;  ///< requests: "GET"
  std::string target;  ///< requests: "/path?query"
  int status = 0;      ///< responses
  std::string reason;  ///< responses
  int version_major = 1;
  int version_minor = 1;
  http::headers fields;
  bool keep_alive = true;
  bool chunked = false;
  bool has_content_length = false;
  std::uint64_t content_length = 0;
  bool upgrade = false;
};

class message_parser {
 public:
  enum class event {
    need_more,    ///< every byte was consumed; feed more
    head,         ///< the head is complete: head() is valid
    message_end,  ///< the message is complete (the head too, if it was not reported yet)
  };
  struct result {
    event what;
    std::size_t consumed;  ///< bytes of the input used; feed the rest again
  };

  message_parser(message_kind kind, parse_limits limits);
  ~message_parser();
  message_parser(const message_parser&) = delete;
  message_parser& operator=(const message_parser&) = delete;

  /// Parses `data` up to the next stopping point (an empty `data` is allowed: after a head it
  /// may complete the message). A message without a body reports message_end only. Body bytes
  /// accumulate in body() (the chunked framing removed). Throws parse_error.
  result feed(std::string_view data);
  /// The peer closed: completes a body that runs until EOF, or throws parse_error(truncated).
  /// Returns true when a message ended here.
  bool finish();
  /// For a response: the request was HEAD (or CONNECT), so the response has no body.
  void expect_no_body(bool on) noexcept { no_body_ = on; }

  const message_head& head() const noexcept { return head_; }
  message_head& head() noexcept { return head_; }
  bool head_complete() const noexcept { return head_done_; }
  bool message_complete() const noexcept { return message_done_; }
  /// True when the message started (some byte of it arrived) but is not complete.
  bool in_message() const noexcept { return started_ && !message_done_; }
  /// Body bytes received and not taken yet.
  std::string& body() noexcept { return body_; }
  /// Total body bytes decoded so far for this message.
  std::uint64_t body_received() const noexcept { return body_total_; }
  /// Size of the head received so far (for limits and metrics).
  std::size_t head_size() const noexcept { return head_bytes_; }
  /// Prepares for the next message on the same connection (keep-alive, pipelining).
  void next_message();

  struct callbacks;  // llhttp's C callbacks, defined in the .cpp

 private:
  struct state;
  std::unique_ptr<state> state_;
  message_kind kind_;
  parse_limits limits_;
  message_head head_;
  std::string field_, value_;
  bool in_value_ = false;
  const char* value_end_ = nullptr;   // where the last header value piece ended
  const char* buffer_end_ = nullptr;  // end of the buffer fed last
  bool started_ = false, head_done_ = false, message_done_ = false, head_reported_ = false;
  bool no_body_ = false;
  std::size_t head_bytes_ = 0, line_bytes_ = 0;
  std::string body_;
  std::uint64_t body_total_ = 0;
  parse_failure pending_failure_ = parse_failure::bad_message;
  std::string pending_reason_;
};

}  // namespace braid::http::detail
