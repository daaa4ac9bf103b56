#pragma once
// One HTTP/1.1 server connection: a read buffer the parser reads straight from, an output
// buffer every response of a pipelined batch is appended to (written once, when the read buffer
// is used up), and the body reads a handler makes while it runs.

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/streams.hpp"
#include "braid/http/request.hpp"
#include "braid/http/response.hpp"
#include "parse/message_parser.hpp"
#include "server/server_core.hpp"

namespace braid::http::detail {

class server_connection {
 public:
  enum class phase : unsigned char { idle, head, handling, body };

  server_connection(std::shared_ptr<server_core> core, asyncio::stream_reader r,
                    asyncio::stream_writer w);
  ~server_connection();
  server_connection(const server_connection&) = delete;
  server_connection& operator=(const server_connection&) = delete;

  asyncio::task<void> run();

  // For request: the next body piece ("" at its end). Throws http_exception(400/413).
  asyncio::task<std::string> read_body_piece();
  // For body_writer: queues `data` and waits for back-pressure.
  asyncio::task<void> send(std::string_view data);
  // Appends the pending output to the socket (one write), counting the batch.
  void flush_output();

  server_core& core() noexcept { return *core_; }
  asyncio::stream_writer& writer() noexcept { return writer_; }

  // The registry's links and the sweeper's view.
  server_connection* prev = nullptr;
  server_connection* next = nullptr;
  phase state = phase::idle;
  asyncio::time_point deadline{};

 private:
  asyncio::task<bool> write_response(request& req, response& resp, bool keep);
  bool write_buffered(request& req, response& resp, bool keep);
  asyncio::task<bool> write_stream(request& req, response& resp, bool keep);
  asyncio::task<bool> write_file(request& req, response& resp, bool keep);
  asyncio::task<bool> skip_body();
  asyncio::task<std::size_t> read_more(phase waiting, asyncio::time_point until);
  void append_head(const request& req, const response& resp, std::string_view framing, bool keep,
                   std::string_view extra = {});
  void append_error(int status);
  std::string_view common_fields();
  void log(const request& req, int status, std::uint64_t bytes);

  std::shared_ptr<server_core> core_;
  asyncio::stream_reader reader_;
  asyncio::stream_writer writer_;
  message_parser parser_;
  void grow_if_full();

  std::unique_ptr<char[]> buf_;
  std::size_t cap_;
  std::size_t begin_ = 0, end_ = 0;
  std::string out_;
  bool close_after_ = false;    // the body is in an unknown state: close after the response
  bool continue_sent_ = false;  // Expect: 100-continue answered
  std::chrono::steady_clock::time_point started_{};  // for the access log
  std::string cached_date_, common_;                 // see common_fields()
};

/// The value of the Date header now, cached per thread and second.
std::string_view http_date() noexcept;
/// "Fri, 04 Dec 2026 21:00:00 GMT" for `t` (seconds since the epoch).
std::string format_http_date(long long t);

}  // namespace braid::http::detail
