// background_server: an application on its own thread and loop, reachable from another loop,
// stopped by its destructor or by stop() from any thread; a start that fails throws.
#include "braid/http/background_server.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "braid/asyncio.hpp"
#include "braid/error.hpp"
#include "braid/http/response.hpp"
#include "braid/http/router.hpp"
#include "support/descriptors.hpp"

namespace asyncio = braid::asyncio;
namespace http = braid::http;

namespace {

asyncio::task<http::response> hello(http::request&) {
  co_return http::response::text("hello from the background");
}

void build(http::application& app) {
  app.router().add_get("/hello", hello);
}

// One request on a fresh connection from the calling thread's own loop; the whole answer.
std::string fetch(std::uint16_t port, const std::string& path) {
  auto body = [](std::uint16_t p, std::string target) -> asyncio::task<std::string> {
    auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", p);
    writer.write("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string answer = co_await reader.read();
    writer.close();
    co_await writer.wait_closed();
    co_return answer;
  };
  const asyncio::run_options options{.handle_sigint = false};
  return asyncio::run(body(port, path), options);
}

}  // namespace

TEST(BackgroundServer, ServesFromItsOwnThreadUntilDestroyed) {
  const auto fds = braid::test::open_fd_count();
  {
    http::background_server server(build);
    EXPECT_NE(server.port(), 0);
    EXPECT_EQ(server.url("/hello"), "http://127.0.0.1:" + std::to_string(server.port()) + "/hello");
    const std::string answer = fetch(server.port(), "/hello");
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_NE(answer.find("hello from the background"), std::string::npos);
    EXPECT_NE(fetch(server.port(), "/missing").find(" 404 "), std::string::npos);
  }
  EXPECT_EQ(braid::test::open_fd_count(), fds);  // thread joined, loop and sockets closed
}

TEST(BackgroundServer, StopFromTwoThreadsAtOnceIsIdempotent) {
  http::background_server server(build);
  std::thread a([&] { server.stop(); });
  std::thread b([&] { server.stop(); });
  a.join();
  b.join();
  server.stop();
  EXPECT_THROW(fetch(server.port(), "/hello"), braid::asyncio::connection_refused_error);
}

TEST(BackgroundServer, AStartThatFailsThrowsInTheConstructor) {
  http::background_server first(build);
  http::serve_options taken;
  taken.host = "127.0.0.1";
  taken.port = first.port();  // already bound, without SO_REUSEPORT
  EXPECT_THROW(http::background_server second(build, taken), braid::os_error);
  auto throwing = [](http::application&) { throw braid::value_error("no routes today"); };
  EXPECT_THROW(http::background_server third(throwing), braid::value_error);
}
