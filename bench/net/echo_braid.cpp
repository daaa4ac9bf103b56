// braid's echo server for the network benchmarks: one loop, one thread, streams API.
// usage: bench_net_echo_braid PORT epoll|io_uring   (prints "ready" once listening)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

using namespace braid::asyncio;

task<void> echo(stream_reader r, stream_writer w) {
  // As Asio's handler: 64 KiB, not zero-filled (a vector would touch every page).
  constexpr std::size_t size = 64 * 1024;
  std::unique_ptr<std::byte[]> buf(new std::byte[size]);
  for (;;) {
    const std::size_t n = co_await r.read_into({buf.get(), size});
    if (n == 0) break;
    w.write(std::string_view(reinterpret_cast<const char*>(buf.get()), n));
    co_await w.drain();
  }
}

task<void> serve(std::uint16_t port) {
  server srv = co_await start_server(echo, "127.0.0.1", port, {.backlog = 4096});
  std::printf("ready\n");
  std::fflush(stdout);
  co_await srv.serve_forever();
}

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const io_backend_kind kind =
      std::strcmp(argv[2], "io_uring") == 0 ? io_backend_kind::io_uring : io_backend_kind::epoll;
  run(serve(port), {.backend = kind});
}
