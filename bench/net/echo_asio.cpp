// Boost.Asio's echo server with C++20 coroutines, one io_context on one thread: the peer the
// issue names. usage: bench_net_echo_asio PORT
#include <utility>  // Boost 1.74 awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <cstdlib>

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<void> echo(tcp::socket s) {
  char data[64 * 1024];
  try {
    for (;;) {
      const std::size_t n = co_await s.async_read_some(asio::buffer(data), asio::use_awaitable);
      co_await asio::async_write(s, asio::buffer(data, n), asio::use_awaitable);
    }
  } catch (const std::exception&) {
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    tcp::socket s = co_await acceptor.async_accept(asio::use_awaitable);
    s.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), echo(std::move(s)), asio::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  asio::io_context ctx(1);
  tcp::acceptor acceptor(ctx);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"),
                         static_cast<unsigned short>(std::atoi(argv[1])));
  acceptor.open(ep.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(ep);
  acceptor.listen(4096);
  asio::co_spawn(ctx, listen(acceptor), asio::detached);
  std::printf("ready\n");
  std::fflush(stdout);
  ctx.run();
}
