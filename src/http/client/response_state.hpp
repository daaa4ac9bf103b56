#pragma once
// What a client_response holds, and the reading of a response off its connection: the head
// (by the session) and the body (by the response), each read landing in the connection's
// reused buffer and going straight into the parser. Internal to braid::http.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio/clock.hpp"
#include "braid/http/client_response.hpp"
#include "braid/http/client_session.hpp"
#include "client/connection.hpp"
#include "client/inflater.hpp"

namespace braid::http::detail {

struct response_state {
  int status = 0;
  std::string reason;
  http::headers fields;
  http::url final_url;
  std::string method;
  std::vector<redirect_hop> history;
  std::optional<std::uint64_t> content_length;
  bool keep_alive = true;
  bool reused = false;

  connection_lease conn;  // empty once the body is complete or the response released
  bool complete = false;
  bool released = false;
  content_coding coding = content_coding::identity;
  std::optional<inflater> decoder;
  response_limits limits;
  std::chrono::nanoseconds sock_read{0};
  std::optional<asyncio::time_point> deadline;  // total
  std::optional<std::string> body;              // read() keeps the body for later calls
  std::string pending;                          // decoded bytes iter_chunked() has not returned yet
};

/// One read into the connection's buffer (its unparsed bytes must have been used): the count,
/// 0 at EOF. sock_read bounds the wait. Throws server_disconnected_error, client_timeout_error.
asyncio::task<std::size_t> fill(connection& c, std::chrono::nanoseconds sock_read,
                                const url& for_url);

/// Feeds the parser, mapping parse_error to braid::http's errors (`in_body`: after the head).
message_parser::result feed_parser(connection& c, bool in_body);

/// The body's next decoded piece ("" once complete). `whole`: for read(), so the
/// decompressed-size limit applies. Throws as client_response::read().
asyncio::task<std::string> next_piece(response_state& s, bool whole);

/// Marks the body complete and gives the connection back (reused when keep-alive allows).
void finish_body(response_state& s) noexcept;

/// Copies the parsed head into `s` (moving the fields out of the parser).
void take_head(response_state& s, connection& c);

}  // namespace braid::http::detail
