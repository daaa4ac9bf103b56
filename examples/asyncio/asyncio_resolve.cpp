// Name lookups on the event loop (Python's loop.getaddrinfo): /etc/hosts, numeric hosts, and
// the typed errors. Touches no network: localhost comes from /etc/hosts, the rest needs no
// lookup at all.
#include <braid/asyncio.hpp>

#include <cstdio>

namespace asyncio = braid::asyncio;

asyncio::task<void> main_task() {
  // [resolve]
  asyncio::resolve_options tcp_v4{.family = asyncio::address_family::ipv4,
                                  .type = asyncio::socket_type::stream};
  auto found = co_await asyncio::resolve("localhost", 8080, tcp_v4);
  for (const asyncio::address_info& info : found) {
    std::printf("localhost -> %s\n", info.address.to_string().c_str());
  }
  auto numeric = co_await asyncio::resolve("192.0.2.1", 53, tcp_v4);  // no lookup
  std::printf("192.0.2.1 -> %s\n", numeric.front().address.to_string().c_str());
  // [end resolve]

  // [errors]
  asyncio::resolve_options numeric_only{.flags = asyncio::resolve_flags::numeric_host};
  try {
    co_await asyncio::resolve("example.invalid", 80, numeric_only);
  } catch (const asyncio::dns_not_found_error& e) {  // also a braid::os_error
    std::printf("not found: %s\n", e.host().c_str());
  } catch (const asyncio::dns_timeout_error& e) {
    std::printf("no answer in time for %s\n", e.host().c_str());
  }
  // [end errors]
}

int main() {
  asyncio::run(main_task());
}
