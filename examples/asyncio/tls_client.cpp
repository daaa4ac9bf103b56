// A TLS client and server on loopback. The certificate is made for this run by the `openssl`
// command (no key is kept), and the client trusts it as its CA: as Python's
//
//   ctx = ssl.create_default_context(cafile="cert.pem")
//   reader, writer = await asyncio.open_connection("localhost", port, ssl=ctx)
#include <braid/asyncio.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace asyncio = braid::asyncio;

asyncio::task<void> greet(asyncio::stream_reader reader, asyncio::stream_writer writer) {
  std::string name = co_await reader.read_line();
  writer.write("hello over TLS, " + name);
  co_await writer.drain();
}

// [tls]
// Contexts are made once, before the loop runs: loading the system's trust store takes tens of
// milliseconds, which inside a task would block the loop (and the watchdog would say so).
asyncio::task<void> main_task(asyncio::ssl_context server_ctx, asyncio::ssl_context ctx) {
  const asyncio::server_options tls_server{.ssl = server_ctx};
  asyncio::server server = co_await asyncio::start_server(greet, "127.0.0.1", 0, tls_server);
  // Options are named, never braced inside the co_await (a g++ 12 bug; see docs/asyncio.md).
  const asyncio::connect_options tls{.ssl = ctx, .server_hostname = "localhost"};
  auto [reader, writer] =
      co_await asyncio::open_connection("127.0.0.1", server.addresses().front().port(), tls);
  std::printf("TLS: %s, ALPN: '%s'\n", writer.is_tls() ? "yes" : "no",
              writer.alpn_protocol().c_str());
  writer.write("braid\n");
  std::string reply = co_await reader.read_line();
  std::printf("%s", reply.c_str());
  writer.close();
  server.close();
  co_await server.wait_closed();
}
// [end tls]

int main() {
  char dir_template[] = "/tmp/braid-tls-example-XXXXXX";
  const char* dir = ::mkdtemp(dir_template);
  if (dir == nullptr) return 1;
  const std::string cert = std::string(dir) + "/cert.pem";
  const std::string key = std::string(dir) + "/key.pem";
  const std::string make =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost "
      "-keyout " +
      key + " -out " + cert + " 2>/dev/null";
  int status = std::system(make.c_str());
  if (status == 0) {
    auto server_ctx = asyncio::ssl_context::server(cert, key);
    auto client_ctx = asyncio::ssl_context::client();  // verifies the chain and the host name
    client_ctx.load_verify_locations(cert);            // here: trust this run's certificate
    asyncio::run(main_task(server_ctx, client_ctx));
  }
  std::filesystem::remove_all(dir);
  return status == 0 ? 0 : 1;
}
