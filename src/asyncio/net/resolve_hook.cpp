// Until the c-ares resolver is in, names resolve through /etc/hosts only.

#include "net/resolve_hook.hpp"

#include <fstream>
#include <sstream>

#include "braid/error.hpp"

namespace braid::asyncio::detail {

task<std::vector<socket_address>> resolve_for_connect(std::string host, std::uint16_t port) {
  std::vector<socket_address> v6, v4;
  std::ifstream hosts("/etc/hosts");
  std::string line;
  while (std::getline(hosts, line)) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string address, name;
    if (!(fields >> address)) continue;
    while (fields >> name) {
      if (name != host) continue;
      try {
        auto a = socket_address::from_ip(address, port);
        (a.family() == address_family::ipv6 ? v6 : v4).push_back(a);
      } catch (const value_error&) {
      }
    }
  }
  v6.insert(v6.end(), v4.begin(), v4.end());
  if (v6.empty()) throw value_error("cannot resolve " + host);
  co_return v6;
}

}  // namespace braid::asyncio::detail
