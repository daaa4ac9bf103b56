// The HTTP server over loopback with raw clients: routing, bodies and their limits, pipelining
// in one write, framing errors (request smuggling) answered 400 and closed, timeouts against
// slow and idle clients, HEAD, keep-alive rules, 100-continue, streamed responses, graceful
// shutdown, and descriptor leaks. Every case runs on both backends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../asyncio/net_test_support.hpp"
#include "server_test_support.hpp"
#include "support/excepthook_capture.hpp"

namespace braid::http {
namespace {

using namespace std::chrono_literals;
using asyncio::task;
using test::count;
using test::exchange;
using test::loopback_options;
using test::send_until_closed;

task<response> hello(request&) {
  co_return response::text("Hello, World!");
}
task<response> echo_path(request& r) {
  co_return response::text(std::string(r.path()));
}
task<response> user(request& r) {
  co_return response::text("user " + std::string(r.match_info().get("id")));
}
task<response> file_tail(request& r) {
  co_return response::text("tail " + std::string(r.match_info().get("rest")));
}
task<response> query(request& r) {
  std::string out;
  for (const auto& [k, v] : r.query()) out += k + "=" + v + ";";
  co_return response::text(out);
}
task<response> echo_body(request& r) {
  std::string body = co_await r.read();
  co_return response::text("got " + std::to_string(body.size()) + ": " + body);
}
task<response> json_echo(request& r) {
  std::string text = co_await r.json();
  co_return response::json(text);
}
task<response> form(request& r) {
  query_params p = co_await r.post();
  std::string out;
  for (const auto& [k, v] : p) out += k + "=" + v + ";";
  co_return response::text(out);
}
task<response> pieces(request& r) {
  std::string out;
  std::size_t total = 0;
  for (;;) {
    std::string piece = co_await r.read_chunk();
    if (piece.empty()) break;
    total += piece.size();
  }
  out = "total " + std::to_string(total);
  co_return response::text(out);
}
task<response> refuse(request&) {
  throw http_exception(403, "no", headers{{"X-Why", "test"}});
  co_return response::text("unreachable");
}
task<response> crash(request&) {
  throw std::runtime_error("handler bug");
  co_return response::text("unreachable");
}
task<response> streamed(request&) {
  response r = response::stream([](body_writer& w) -> task<void> {
    co_await w.write("one,");
    co_await w.write("two,");
    co_await w.write("three");
  });
  co_return r;
}

void add_routes(application& app) {
  auto& r = app.router();
  r.add_get("/", hello);
  r.add_get("/path/{tail:.*}", echo_path);
  r.add_get("/user/{id}", user);
  r.add_get("/files/{rest:.+}", file_tail);
  r.add_get("/query", query);
  r.add_post("/echo", echo_body);
  r.add_put("/echo", echo_body);
  r.add_post("/form", form);
  r.add_post("/json", json_echo);
  r.add_post("/pieces", pieces);
  r.add_get("/refuse", refuse);
  r.add_get("/crash", crash);
  r.add_get("/stream", streamed);
}

// Starts a server with add_routes, runs `client(port)`, shuts down.
template <class Client>
task<void> with_server(serve_options options, Client client) {
  application app;
  add_routes(app);
  app_runner runner = co_await start_app(app, options);
  co_await client(runner);
  co_await runner.shutdown(1s);
}

void run(task<void> t) {
  asyncio::test::run_checking_descriptors(std::move(t));
}

TEST(HttpServer, AnswersWithDateServerAndLength) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string got = co_await exchange(s.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << got;
    EXPECT_NE(got.find("\r\nServer: braid\r\n"), std::string::npos);
    EXPECT_NE(got.find("\r\nDate: "), std::string::npos);
    EXPECT_NE(got.find("GMT\r\n"), std::string::npos);
    EXPECT_NE(got.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    EXPECT_NE(got.find("Content-Length: 13\r\n\r\nHello, World!"), std::string::npos);
  }));
}

TEST(HttpServer, RoutesParametersRegexAnd404And405) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a = co_await exchange(s.port(), "GET /user/42 HTTP/1.1\r\n\r\n");
    EXPECT_NE(a.find("user 42"), std::string::npos) << a;
    std::string b = co_await exchange(s.port(), "GET /files/a/b/c.txt HTTP/1.1\r\n\r\n");
    EXPECT_NE(b.find("tail a/b/c.txt"), std::string::npos) << b;
    std::string c = co_await exchange(s.port(), "GET /user/1/2 HTTP/1.1\r\n\r\n");
    EXPECT_EQ(c.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << c;
    std::string d = co_await exchange(s.port(), "DELETE /echo HTTP/1.1\r\n\r\n");
    EXPECT_EQ(d.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << d;
    EXPECT_NE(d.find("Allow: POST, PUT\r\n"), std::string::npos) << d;
    std::string e = co_await exchange(s.port(), "GET /path/a%20b HTTP/1.1\r\n\r\n");
    EXPECT_NE(e.find("\r\n\r\n/path/a b"), std::string::npos) << e;
  }));
}

TEST(HttpServer, ParsesTheQuery) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a = co_await exchange(s.port(), "GET /query?a=1&b=x%20y&a=2&c HTTP/1.1\r\n\r\n");
    EXPECT_NE(a.find("a=1;b=x y;a=2;c=;"), std::string::npos) << a;
  }));
}

TEST(HttpServer, HandlerExceptionsBecomeStatuses) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a = co_await exchange(s.port(), "GET /refuse HTTP/1.1\r\n\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 403 Forbidden\r\n", 0), 0u) << a;
    EXPECT_NE(a.find("X-Why: test\r\n"), std::string::npos);
    EXPECT_NE(a.find("\r\n\r\nno"), std::string::npos);
    std::string b = co_await exchange(s.port(), "GET /crash HTTP/1.1\r\n\r\n");
    EXPECT_EQ(b.rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u) << b;
  }));
}

TEST(HttpServer, ReadsBodiesFormsAndChunks) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a =
        co_await exchange(s.port(), "POST /echo HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    EXPECT_NE(a.find("got 5: hello"), std::string::npos) << a;
    std::string b = co_await exchange(s.port(),
                                      "POST /form HTTP/1.1\r\nContent-Type: "
                                      "application/x-www-form-urlencoded\r\nContent-Length: "
                                      "12\r\n\r\nx=1&y=a+b%21");
    EXPECT_NE(b.find("x=1;y=a b!;"), std::string::npos) << b;
    std::string c = co_await exchange(s.port(),
                                      "POST /pieces HTTP/1.1\r\nTransfer-Encoding: "
                                      "chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
    EXPECT_NE(c.find("total 7"), std::string::npos) << c;
    std::string d =
        co_await exchange(s.port(), "POST /json HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
    EXPECT_NE(d.find("application/json\r\n"), std::string::npos) << d;
    EXPECT_NE(d.find("\r\n\r\n{\"a\":1}"), std::string::npos) << d;
    std::string e = co_await exchange(s.port(), "POST /json HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(e.rfind("HTTP/1.1 400 ", 0), 0u) << e;
  }));
}

// A body far larger than one read goes through read_chunk in pieces.
TEST(HttpServer, StreamsALargeBodyInPieces) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    const std::string body(900 * 1024, 'b');
    std::string a = co_await exchange(
        s.port(), "POST /pieces HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body);
    EXPECT_NE(a.find("total 921600"), std::string::npos) << a.substr(0, 200);
  }));
}

TEST(HttpServer, BodyOverTheLimitIs413AndCloses) {
  serve_options o = loopback_options();
  o.client_max_size = 1000;
  run(with_server(o, [](app_runner& s) -> task<void> {
    // The client never sends the body: the answer must not wait for it.
    std::string a = co_await send_until_closed(
        s.port(), "POST /echo HTTP/1.1\r\nContent-Length: 100000\r\n\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 413 ", 0), 0u) << a;
    EXPECT_NE(a.find("Connection: close\r\n"), std::string::npos);
    std::string chunk(600, 'c');
    std::string b = co_await exchange(s.port(),
                                      "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                                      "258\r\n" +
                                          chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n");
    EXPECT_EQ(b.rfind("HTTP/1.1 413 ", 0), 0u) << b.substr(0, 100);
  }));
}

TEST(HttpServer, HeadLimitsAre431And414) {
  serve_options o = loopback_options();
  o.max_headers = 10;
  o.max_line_size = 100;
  run(with_server(o, [](app_runner& s) -> task<void> {
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 20; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    std::string a = co_await send_until_closed(s.port(), many + "\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 431 ", 0), 0u) << a;
    std::string b =
        co_await send_until_closed(s.port(), "GET /" + std::string(200, 'a') + " HTTP/1.1\r\n\r\n");
    EXPECT_EQ(b.rfind("HTTP/1.1 414 ", 0), 0u) << b;
    std::string c = co_await send_until_closed(
        s.port(), "GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'v') + "\r\n\r\n");
    EXPECT_EQ(c.rfind("HTTP/1.1 431 ", 0), 0u) << c;
  }));
}

// Each ambiguous framing gets 400 and the connection closes, so a smuggled request behind it
// is never answered.
TEST(HttpServer, AmbiguousFramingIs400AndCloses) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    const std::vector<std::string> heads = {
        "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n",
        "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n",
        "GET / HTTP/1.1\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET / HTTP/1.1\nHost: x\n\n",
    };
    for (const auto& h : heads) {
      std::string got =
          co_await send_until_closed(s.port(), h + "0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");
      EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << h << "->" << got;
      EXPECT_EQ(count(got, "HTTP/1.1"), 1u) << h << "->" << got;
      EXPECT_NE(got.find("Connection: close"), std::string::npos);
    }
  }));
}

// 16 requests in one write: 16 responses in order, written by the server in one batch.
TEST(HttpServer, PipelinedBatchIsAnsweredInOrderInOneWrite) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string batch;
    for (int i = 0; i < 16; ++i) batch += "GET /path/" + std::to_string(i) + " HTTP/1.1\r\n\r\n";
    auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", s.port());
    const auto writes_before = s.stats().writes;
    writer.write(batch);
    co_await writer.drain();
    std::vector<std::string> responses;
    for (int i = 0; i < 16; ++i) responses.push_back(co_await test::read_response(reader));
    for (int i = 0; i < 16; ++i) {
      const std::string tail = "\r\n\r\n/path/" + std::to_string(i);
      EXPECT_EQ(responses[i].substr(responses[i].size() - tail.size()), tail) << i;
    }
    EXPECT_EQ(s.stats().writes - writes_before, 1u);
    writer.close();
    co_await writer.wait_closed();
  }));
}

TEST(HttpServer, KeepAliveRulesOfHttp10And11) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    // HTTP/1.0 without keep-alive: one response, then the server closes.
    std::string a = co_await send_until_closed(s.port(), "GET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(count(a, "HTTP/1.1 200"), 1u) << a;
    EXPECT_NE(a.find("Connection: close\r\n"), std::string::npos) << a;
    // HTTP/1.0 keep-alive: the connection stays for a second request.
    std::string b = co_await send_until_closed(
        s.port(), "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n");
    EXPECT_EQ(count(b, "HTTP/1.1 200"), 2u) << b;
    EXPECT_NE(b.find("Connection: keep-alive\r\n"), std::string::npos) << b;
    // HTTP/1.1 Connection: close: the request after it is not answered.
    std::string c = co_await send_until_closed(
        s.port(), "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(count(c, "HTTP/1.1 200"), 1u) << c;
  }));
}

TEST(HttpServer, HeadHasTheLengthButNoBody) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a =
        co_await exchange(s.port(), "HEAD / HTTP/1.1\r\n\r\nHEAD /stream HTTP/1.1\r\n\r\n");
    EXPECT_NE(a.find("Content-Length: 13\r\n\r\nHTTP/1.1 200 OK"), std::string::npos) << a;
    EXPECT_EQ(a.find("Hello"), std::string::npos) << a;
    EXPECT_EQ(a.find("one,"), std::string::npos) << a;
  }));
}

TEST(HttpServer, AnswersExpect100Continue) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", s.port());
    writer.write("POST /echo HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    std::string interim = co_await reader.read_until("\r\n\r\n");
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    writer.write("body");
    std::string final_response = co_await test::read_response(reader);
    EXPECT_NE(final_response.find("got 4: body"), std::string::npos) << final_response;
    writer.close();
    co_await writer.wait_closed();
  }));
}

TEST(HttpServer, StreamsAChunkedResponse) {
  run(with_server(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a = co_await exchange(s.port(), "GET /stream HTTP/1.1\r\n\r\n");
    EXPECT_NE(a.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << a;
    EXPECT_NE(a.find("\r\n\r\n4\r\none,\r\n4\r\ntwo,\r\n5\r\nthree\r\n0\r\n\r\n"),
              std::string::npos)
        << a;
    // HTTP/1.0 has no chunks: the body runs to the close.
    std::string b = co_await exchange(s.port(), "GET /stream HTTP/1.0\r\n\r\n");
    EXPECT_NE(b.find("\r\n\r\none,two,three"), std::string::npos) << b;
  }));
}

// A client that sends half a head and stops is closed at the head timeout.
TEST(HttpServer, SlowHeadIsClosed) {
  serve_options o = loopback_options();
  o.request_head_timeout = 30ms;
  run(with_server(o, [](app_runner& s) -> task<void> {
    std::string a = co_await send_until_closed(s.port(), "GET / HTTP/1.1\r\nHost: ");
    EXPECT_EQ(a, "");
    // A connection that sends nothing at all is closed too.
    std::string b = co_await send_until_closed(s.port(), "");
    EXPECT_EQ(b, "");
  }));
}

TEST(HttpServer, IdleKeepAliveConnectionIsClosed) {
  serve_options o = loopback_options();
  o.keepalive_timeout = 30ms;
  run(with_server(o, [](app_runner& s) -> task<void> {
    std::string a = co_await send_until_closed(s.port(), "GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(count(a, "HTTP/1.1 200"), 1u) << a;
    EXPECT_EQ(s.connections(), 0u);
  }));
}

TEST(HttpServer, MiddlewaresWrapInOrderAndHooksRun) {
  auto main = []() -> task<void> {
    application app;
    add_routes(app);
    std::vector<std::string> trace;
    app.on_startup().push_back([&trace](application&) -> task<void> {
      trace.push_back("startup");
      co_return;
    });
    app.on_cleanup().push_back([&trace](application&) -> task<void> {
      trace.push_back("cleanup");
      co_return;
    });
    app.add_middleware([&trace](request& r, const handler& next) -> task<response> {
      trace.push_back("outer in");
      response resp = co_await next(r);
      resp.headers().add("X-Order", "outer");
      trace.push_back("outer out");
      co_return resp;
    });
    app.add_middleware([&trace](request& r, const handler& next) -> task<response> {
      trace.push_back("inner in");
      response resp = co_await next(r);
      resp.headers().add("X-Order", "inner");
      co_return resp;
    });
    app_runner runner = co_await start_app(app, loopback_options());
    std::string a = co_await exchange(runner.port(), "GET /nowhere HTTP/1.1\r\n\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 404", 0), 0u);
    EXPECT_NE(a.find("X-Order: inner\r\nX-Order: outer\r\n"), std::string::npos) << a;
    co_await runner.shutdown(1s);
    const std::vector<std::string> want = {"startup", "outer in", "inner in", "outer out",
                                           "cleanup"};
    EXPECT_EQ(trace, want);
  };
  run(main());
}

// Shutdown with one request in flight and one idle connection: the idle one closes at once, the
// in-flight one is answered (with Connection: close) before the server is gone.
asyncio::event* release_slow = nullptr;
asyncio::event* slow_started = nullptr;
task<response> slow(request&) {
  slow_started->set();
  co_await release_slow->wait();
  co_return response::text("finished");
}

TEST(HttpServer, GracefulShutdownFinishesInFlightRequests) {
  auto main = []() -> task<void> {
    asyncio::event release, started;
    release_slow = &release;
    slow_started = &started;
    application app;
    app.router().add_get("/slow", slow);
    app_runner runner = co_await start_app(app, loopback_options());
    auto [r1, w1] = co_await asyncio::open_connection("127.0.0.1", runner.port());
    auto [r2, w2] = co_await asyncio::open_connection("127.0.0.1", runner.port());
    w2.write("GET /slow HTTP/1.1\r\n\r\n");
    co_await started.wait();
    auto& loop = asyncio::event_loop::running();
    auto stopping = loop.create_task(runner.shutdown(5s));
    std::string idle = co_await r1.read();
    EXPECT_EQ(idle, "");  // closed without an answer
    release.set();
    std::string answer = co_await r2.read();
    EXPECT_NE(answer.find("Connection: close\r\n"), std::string::npos) << answer;
    EXPECT_NE(answer.find("finished"), std::string::npos) << answer;
    co_await std::move(stopping);
    w1.close();
    w2.close();
  };
  run(main());
}

TEST(HttpServer, GracefulShutdownCancelsAfterTheGrace) {
  auto main = []() -> task<void> {
    asyncio::event release, started;
    release_slow = &release;
    slow_started = &started;
    application app;
    app.router().add_get("/slow", slow);
    app_runner runner = co_await start_app(app, loopback_options());
    auto [r, w] = co_await asyncio::open_connection("127.0.0.1", runner.port());
    w.write("GET /slow HTTP/1.1\r\n\r\n");
    co_await started.wait();
    co_await runner.shutdown(10ms);  // never released: cancelled
    std::string answer = co_await r.read();
    EXPECT_EQ(answer, "");
    w.close();
  };
  run(main());
}

TEST(HttpServer, AccessLogSeesEveryResponse) {
  auto main = []() -> task<void> {
    std::vector<std::string> lines;
    serve_options o = loopback_options();
    o.access_log = [&lines](const access_log_entry& e) {
      lines.push_back(std::string(e.method) + " " + std::string(e.target) + " " +
                      std::to_string(e.status) + " " + std::to_string(e.body_bytes));
    };
    application app;
    add_routes(app);
    app_runner runner = co_await start_app(app, o);
    std::string a =
        co_await exchange(runner.port(), "GET / HTTP/1.1\r\n\r\nGET /x HTTP/1.1\r\n\r\n");
    co_await runner.shutdown(1s);
    const std::vector<std::string> want = {"GET / 200 13", "GET /x 404 14"};
    EXPECT_EQ(lines, want);
  };
  run(main());
}

// A client that resets the connection while its (large) response is being written, or in the
// middle of a body, is no error of the server: nothing reaches the excepthook, nothing leaks.
task<response> large(request&) {
  co_return response::bytes(std::string(8 * 1024 * 1024, 'L'));
}
task<response> failing_stream(request&) {
  response r = response::stream([](body_writer& w) -> task<void> {
    co_await w.write("partial");
    throw std::runtime_error("producer failed");
  });
  co_return r;
}

TEST(HttpServer, PeerResetsAndFailingStreamsAreNotErrors) {
  braid::test::excepthook_capture hook;
  auto main = []() -> task<void> {
    application app;
    add_routes(app);
    app.router().add_get("/large", large);
    app.router().add_get("/failing", failing_stream);
    app_runner runner = co_await start_app(app, loopback_options());
    {
      auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", runner.port());
      writer.write("GET /large HTTP/1.1\r\n\r\n");
      std::string some = co_await reader.read(100);  // the response is being written
      EXPECT_FALSE(some.empty());
      writer.abort();  // RST
    }
    {
      auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", runner.port());
      writer.write("POST /echo HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc");
      co_await writer.drain();
      writer.abort();  // mid-body (or before the server read it: both must be quiet)
    }
    std::string got = co_await exchange(runner.port(), "GET /failing HTTP/1.1\r\n\r\n");
    EXPECT_NE(got.find("\r\n7\r\npartial\r\n"), std::string::npos) << got;
    EXPECT_EQ(got.find("0\r\n\r\n"), std::string::npos) << got;  // never terminated
    co_await runner.shutdown(1s);
    EXPECT_EQ(runner.connections(), 0u);
  };
  run(main());
  EXPECT_TRUE(hook.reports().empty()) << hook.reports().front().what;
}

// The last app_runner handle going away closes the server (the core held itself through the
// listening server's handler before: a reference cycle that leaked every server, found by ASan).
TEST(HttpServer, DroppingTheRunnerClosesTheServer) {
  auto main = []() -> task<void> {
    application app;
    add_routes(app);
    std::uint16_t port = 0;
    {
      app_runner runner = co_await start_app(app, loopback_options());
      port = runner.port();
    }
    bool refused = false;
    try {
      auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", port);
      writer.close();
    } catch (const asyncio::connection_refused_error&) {
      refused = true;
    }
    EXPECT_TRUE(refused);
  };
  run(main());
}

}  // namespace
}  // namespace braid::http
