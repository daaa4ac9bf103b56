// The llhttp wrapper both the server and the client parse with: stopping points, limits, and the
// framing ambiguities that allow request smuggling, each of which must fail.
#include "parse/message_parser.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace braid::http::detail;
using event = message_parser::event;

namespace {

// Feeds all of `data`, returning how many messages completed; stops at the first error.
int count_messages(message_parser& p, std::string_view data) {
  int n = 0;
  while (!data.empty()) {
    auto r = p.feed(data);
    data.remove_prefix(r.consumed);
    if (r.what == event::message_end) {
      ++n;
      p.next_message();
    }
  }
  return n;
}

parse_failure failure_of(message_kind kind, std::string_view data, parse_limits limits = {}) {
  message_parser p(kind, limits);
  try {
    count_messages(p, data);
  } catch (const parse_error& e) {
    return e.failure();
  }
  ADD_FAILURE() << "no parse error for: " << data;
  return parse_failure::truncated;
}

}  // namespace

TEST(MessageParser, StopsAfterTheHeadThenAtTheEnd) {
  message_parser p(message_kind::request, {});
  std::string_view req = "POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  auto r = p.feed(req);
  ASSERT_EQ(r.what, event::head);
  EXPECT_EQ(p.head().method, "POST");
  EXPECT_EQ(p.head().target, "/a?b=1");
  EXPECT_EQ(p.head().fields.get("host").value(), "x");
  EXPECT_TRUE(p.head().has_content_length);
  EXPECT_EQ(p.head().content_length, 5u);
  req.remove_prefix(r.consumed);
  r = p.feed(req);
  EXPECT_EQ(r.what, event::message_end);
  EXPECT_EQ(p.body(), "hello");
}

TEST(MessageParser, ParsesAPipelinedBatchOneMessageAtATime) {
  message_parser p(message_kind::request, {});
  std::string batch;
  for (int i = 0; i < 16; ++i) batch += "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(count_messages(p, batch), 16);
}

TEST(MessageParser, DecodesChunkedBodiesSplitAnywhere) {
  const std::string resp =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  for (std::size_t split = 1; split < resp.size(); ++split) {
    message_parser p(message_kind::response, {});
    std::string_view a(resp.data(), split), b(resp.data() + split, resp.size() - split);
    bool done = false;
    for (auto part : {a, b}) {
      while (!part.empty()) {
        auto r = p.feed(part);
        part.remove_prefix(r.consumed);
        done = done || r.what == event::message_end;
      }
    }
    ASSERT_TRUE(done) << split;
    EXPECT_EQ(p.body(), "hello world");
    EXPECT_EQ(p.head().status, 200);
    EXPECT_EQ(p.head().reason, "OK");
  }
}

TEST(MessageParser, ABodyUntilEofCompletesOnFinishAndATruncatedOneFails) {
  message_parser p(message_kind::response, {});
  auto r = p.feed("HTTP/1.0 200 OK\r\n\r\nabc");
  EXPECT_EQ(r.what, event::head);
  p.feed(std::string_view("HTTP/1.0 200 OK\r\n\r\nabc").substr(r.consumed));
  EXPECT_TRUE(p.finish());
  EXPECT_EQ(p.body(), "abc");

  message_parser q(message_kind::response, {});
  q.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  try {
    q.finish();
    FAIL() << "no error";
  } catch (const parse_error& e) {
    EXPECT_EQ(e.failure(), parse_failure::truncated);
  }
}

TEST(MessageParser, AHeadResponseHasNoBody) {
  message_parser p(message_kind::response, {});
  p.expect_no_body(true);
  auto r = p.feed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
  EXPECT_EQ(r.what, event::message_end);
  EXPECT_TRUE(p.head_complete());
}

TEST(MessageParser, RejectsAmbiguousFraming) {
  const auto req = message_kind::request;
  EXPECT_EQ(failure_of(req,
                       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: "
                       "chunked\r\n\r\n0\r\n\r\n"),
            parse_failure::bad_message);
  EXPECT_EQ(failure_of(req,
                       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: "
                       "4\r\n\r\nabcd"),
            parse_failure::bad_message);
  EXPECT_EQ(failure_of(req, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            parse_failure::bad_message);
  EXPECT_EQ(failure_of(req, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n"),
            parse_failure::bad_message);
  EXPECT_EQ(failure_of(req, "GET / HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n"),
            parse_failure::bad_message);
  EXPECT_EQ(failure_of(req,
                       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, "
                       "identity\r\n\r\n0\r\n\r\n"),
            parse_failure::bad_message);
}

TEST(MessageParser, EnforcesHeadLimits) {
  parse_limits small{
      .max_line_size = 64, .max_field_size = 64, .max_headers = 4, .max_head_size = 512};
  EXPECT_EQ(failure_of(message_kind::request, "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n",
                       small),
            parse_failure::line_too_long);
  EXPECT_EQ(failure_of(message_kind::request,
                       "GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", small),
            parse_failure::head_too_large);
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5; ++i) many += "X" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(failure_of(message_kind::request, many + "\r\n", small), parse_failure::head_too_large);
}

TEST(MessageParser, BadChunkSizeIsABadChunk) {
  EXPECT_EQ(failure_of(message_kind::response,
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n"),
            parse_failure::bad_chunk);
}
