// bench/http/run_client.py's floor: a minimal Boost.Asio C++20-coroutine HTTP/1.1 client, one
// coroutine per connection, a fixed request and just enough parsing (Content-Length) to frame
// nginx's answers. `asio_http_client HOST PORT REQUESTS CONNECTIONS`; prints one JSON line.
#include <sys/resource.h>

#include <utility>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

asio::awaitable<void> worker(tcp::endpoint ep, std::string request, long n, long& ok) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  co_await sock.async_connect(ep, asio::use_awaitable);
  sock.set_option(tcp::no_delay(true));
  std::string buf(16384, '\0');
  std::size_t have = 0;
  for (long i = 0; i < n; ++i) {
    co_await asio::async_write(sock, asio::buffer(request), asio::use_awaitable);
    for (;;) {
      const std::string_view v(buf.data(), have);
      const auto end = v.find("\r\n\r\n");
      if (end != std::string_view::npos) {
        const auto cl = v.find("Content-Length: ");
        const std::size_t len = cl < end ? std::strtoul(buf.data() + cl + 16, nullptr, 10) : 0;
        const std::size_t total = end + 4 + len;
        if (have >= total) {
          if (v.compare(9, 3, "200") == 0) ++ok;
          buf.erase(0, total);
          buf.resize(16384);
          have -= total;
          break;
        }
      }
      have += co_await sock.async_read_some(asio::buffer(buf.data() + have, buf.size() - have),
                                            asio::use_awaitable);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return 2;
  const long requests = std::atol(argv[3]), conns = std::atol(argv[4]);
  asio::io_context io(1);
  const tcp::endpoint ep(asio::ip::make_address(argv[1]),
                         static_cast<unsigned short>(std::atoi(argv[2])));
  const std::string request = std::string("GET / HTTP/1.1\r\nHost: ") + argv[1] + ":" + argv[2] +
                              "\r\nUser-Agent: asio\r\nAccept: */*\r\n\r\n";
  long ok = 0;
  for (long c = 0; c < conns; ++c) {
    asio::co_spawn(io, worker(ep, request, requests / conns + (c < requests % conns ? 1 : 0), ok),
                   asio::detached);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  io.run();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"requests\": %ld, \"ok\": %ld, \"seconds\": %.6f, \"cpu_seconds\": %.6f}\n",
              requests, ok, secs, cpu_seconds() - c0);
  return 0;
}
