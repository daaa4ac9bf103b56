// TLS settings (Python's ssl.SSLContext): a verifying client by default, insecure only by
// name, and OpenSSL's failures as braid::asyncio::ssl_error.
#include <braid/asyncio.hpp>

#include <cstdio>

namespace asyncio = braid::asyncio;

int main() {
  // [client]
  auto client = asyncio::ssl_context::client();  // the system's trust store, host names checked
  client.set_alpn_protocols({"h2", "http/1.1"});
  client.set_minimum_version(asyncio::tls_version::tls1_3);
  std::printf("client verifies the peer: %s, checks the host name: %s\n",
              client.verifies_peer() ? "yes" : "no", client.checks_hostname() ? "yes" : "no");

  auto lab = asyncio::ssl_context::insecure_client();  // INSECURE: accepts any certificate
  std::printf("insecure client verifies the peer: %s\n", lab.verifies_peer() ? "yes" : "no");
  // [end client]

  // [server]
  try {
    auto server = asyncio::ssl_context::server("server.pem", "server.key");
    server.require_client_certificate();  // and trust their CA:
    server.load_verify_locations("clients-ca.pem");
  } catch (const asyncio::ssl_error& e) {  // a braid::os_error, as Python's SSLError
    std::printf("ssl_error: %s\n", e.what());
  }
  // [end server]
}
