// client_session over TLS against braid's own TLS server, directly and through an https proxy
// (CONNECT tunnel, from https_proxy with trust_env), and no_proxy.
#include <gtest/gtest.h>

#include <cstdlib>

#include "../asyncio/net_test_support.hpp"
#include "../asyncio/test_certs.hpp"
#include "client_test_support.hpp"

namespace braid::http {
namespace {

using asyncio::stream_reader;
using asyncio::stream_writer;
using asyncio::task;

task<void> tls_hello(stream_reader r, stream_writer w) {
  try {
    for (;;) {
      co_await r.read_until("\r\n\r\n");
      w.write(test::response(200, "secure hello"));
      co_await w.drain();
    }
  } catch (const std::exception&) {
  }
}

task<void> pump(stream_reader from, stream_writer to) {
  try {
    for (;;) {
      std::string data = co_await from.read(65536);
      if (data.empty()) break;
      to.write(data);
      co_await to.drain();
    }
  } catch (const std::exception&) {
  }
  to.close();
}

struct connect_proxy {
  int tunnels = 0;
  std::string last_connect;
  asyncio::connection_handler handler() {
    return [this](stream_reader r, stream_writer w) -> task<void> {
      std::string head = co_await r.read_until("\r\n\r\n");
      last_connect = head.substr(0, head.find("\r\n"));
      // "CONNECT host:port HTTP/1.1"
      const auto target = head.substr(8, head.find(' ', 8) - 8);
      const auto colon = target.rfind(':');
      const auto port = static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)));
      auto [ur, uw] = co_await asyncio::open_connection("127.0.0.1", port);
      ++tunnels;
      w.write("HTTP/1.1 200 Connection established\r\n\r\n");
      co_await w.drain();
      auto up = asyncio::create_task(pump(r, uw));
      co_await pump(ur, w);
      co_await up;
    };
  }
};

TEST(ClientTls, DirectAndThroughAConnectProxy) {
  asyncio::test::test_certs certs;
  asyncio::test::run_checking_descriptors([&certs]() -> task<void> {
    asyncio::ssl_context server_ctx =
        asyncio::ssl_context::server(certs.server.cert, certs.server.key);
    asyncio::server_options so_tls;
    so_tls.ssl = server_ctx;
    asyncio::server tls = co_await asyncio::start_server(tls_hello, "127.0.0.1", 0, so_tls);
    const std::string origin = "https://localhost:" + std::to_string(tls.addresses().at(0).port());
    connect_proxy proxy;
    asyncio::server psrv = co_await asyncio::start_server(proxy.handler(), "127.0.0.1", 0);
    const std::string proxy_url =
        "http://127.0.0.1:" + std::to_string(psrv.addresses().at(0).port());

    asyncio::ssl_context trusting = asyncio::ssl_context::client();
    trusting.load_verify_locations(certs.ca_file);
    {
      session_options so;
      so.connector.ssl = trusting;
      client_session direct(std::move(so));
      client_response r = co_await direct.get(origin + "/");
      std::string body = co_await r.text();
      EXPECT_EQ(body, "secure hello");
      co_await direct.close();
    }
    ::setenv("https_proxy", proxy_url.c_str(), 1);
    {
      session_options so;
      so.connector.ssl = trusting;
      so.trust_env = true;
      client_session via(std::move(so));
      for (int i = 0; i < 3; ++i) {
        client_response r = co_await via.get(origin + "/x");
        std::string body = co_await r.text();
        EXPECT_EQ(body, "secure hello");
      }
      EXPECT_EQ(proxy.tunnels, 1);  // one tunnel, kept alive
      EXPECT_EQ(proxy.last_connect,
                "CONNECT localhost:" + origin.substr(origin.rfind(':') + 1) + " HTTP/1.1");
      co_await via.close();
    }
    ::setenv("no_proxy", "localhost", 1);
    {
      session_options so;
      so.connector.ssl = trusting;
      so.trust_env = true;
      client_session bypass(std::move(so));
      client_response r = co_await bypass.get(origin + "/");
      co_await r.read();
      EXPECT_EQ(proxy.tunnels, 1);  // no_proxy: straight to the origin
      co_await bypass.close();
    }
    ::unsetenv("https_proxy");
    ::unsetenv("no_proxy");
    psrv.close();
    tls.close();
    co_await psrv.wait_closed();
    co_await tls.wait_closed();
  }());
}

}  // namespace
}  // namespace braid::http
