// An outside program using the installed braid: prints 42.
#include <braid/braid.hpp>

#include <iostream>

int main() {
  braid::futures::thread_pool_executor pool(2);
  auto f = pool.submit([](int a, int b) { return a * b; }, 6, 7);
  // braid::asyncio links OpenSSL and c-ares privately: with static libraries the consumer must
  // still get them from find_package(braid) and from braid.pc.
  const auto tls = braid::asyncio::ssl_context::insecure_client();
  const bool linked = !tls.verifies_peer() && !braid::asyncio::dns_category().message(1).empty();
  std::cout << (linked ? f.result() : 0) << '\n';
}
