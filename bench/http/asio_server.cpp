// The Boost.Asio peer of bench/http/run_server.py: a C++20 coroutine per connection, one read
// buffer, every complete request already read answered into one output string, one write per
// batch (so it pipelines as braid does). GET only, no bodies: enough for /plaintext and /json.
// Build: g++ -O2 -std=c++20 asio_server.cpp -o asio_server -pthread (Boost headers only).
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>

#include <cstring>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

namespace asio = boost::asio;
using asio::ip::tcp;

std::string response(std::string_view type, std::string_view body) {
  char date[64];
  std::time_t t = std::time(nullptr);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&t));
  return "HTTP/1.1 200 OK\r\nServer: asio\r\nDate: " + std::string(date) +
         "\r\nContent-Type: " + std::string(type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

asio::awaitable<void> session(tcp::socket socket) {
  std::string in(16384, '\0'), out;
  std::size_t have = 0;
  try {
    for (;;) {
      have += co_await socket.async_read_some(asio::buffer(in.data() + have, in.size() - have),
                                              asio::use_awaitable);
      std::string_view pending(in.data(), have);
      std::size_t end;
      while ((end = pending.find("\r\n\r\n")) != std::string_view::npos) {
        const bool json = pending.substr(0, 9) == "GET /json";
        out += json ? response("application/json", R"({"message":"Hello, World!"})")
                    : response("text/plain; charset=utf-8", "Hello, World!");
        pending.remove_prefix(end + 4);
      }
      have = pending.size();
      std::memmove(in.data(), pending.data(), have);
      if (!out.empty()) {
        co_await asio::async_write(socket, asio::buffer(out), asio::use_awaitable);
        out.clear();
      }
    }
  } catch (const std::exception&) {
  }
}

asio::awaitable<void> listener(tcp::acceptor acceptor) {
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    s.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), session(std::move(s)), asio::detached);
  }
}

int main(int argc, char** argv) {
  asio::io_context io(1);
  const auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), port});
  std::printf("listening on http://127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  asio::co_spawn(io, listener(std::move(acceptor)), asio::detached);
  io.run();
}
