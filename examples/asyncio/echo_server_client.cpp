// An echo server and its clients on one loop, over loopback (Python's asyncio streams example:
// asyncio.start_server(handle_echo, ...) and asyncio.open_connection(...)).
//
//   async def handle_echo(reader, writer):
//       data = await reader.readline()
//       writer.write(data)
//       await writer.drain()
//       writer.close()
//       await writer.wait_closed()
//
//   async def tcp_echo_client(message, port):
//       reader, writer = await asyncio.open_connection('127.0.0.1', port)
//       writer.write(message.encode())
//       data = await reader.readline()
//       writer.close()
//       await writer.wait_closed()
//       return data.decode()
#include <braid/asyncio.hpp>

#include <cstdio>
#include <string>

namespace asyncio = braid::asyncio;

// [echo]
asyncio::task<void> handle_echo(asyncio::stream_reader reader, asyncio::stream_writer writer) {
  std::string line = co_await reader.read_line();
  writer.write(line);
  co_await writer.drain();
  writer.close();
  co_await writer.wait_closed();
}

asyncio::task<std::string> tcp_echo_client(std::string message, std::uint16_t port) {
  auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", port);
  writer.write(message);
  std::string data = co_await reader.read_line();
  writer.close();
  co_await writer.wait_closed();
  co_return data;
}

asyncio::task<void> main_task() {
  asyncio::server server = co_await asyncio::start_server(handle_echo, "127.0.0.1", 0);
  const std::uint16_t port = server.addresses().front().port();  // port 0: the kernel chose
  std::string answer = co_await tcp_echo_client("Hello World!\n", port);
  std::printf("received: %s", answer.c_str());
  server.close();
  co_await server.wait_closed();
}
// [end echo]

int main() {
  asyncio::run(main_task());
}
