// asyncio::resolve: numeric hosts answered here, names through the loop's c-ares channel for
// the options' settings (dns/dns_channel.hpp), with its cache.
#include "braid/asyncio/resolve.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <utility>

#include "braid/asyncio/event_loop.hpp"
#include "detail/loop_impl.hpp"
#include "dns/dns_channel.hpp"

namespace braid::asyncio {

namespace {

/// The loop's channels, one per distinct setting (in practice one or two).
struct dns_service final : detail::loop_service {
  std::vector<std::unique_ptr<detail::dns_channel>> channels;
};
const char dns_service_key = 0;

detail::dns_channel& channel_for(event_loop& loop, const resolve_options& o) {
  detail::dns_channel_config config{o.name_servers, o.search_domains,
                                    static_cast<int>(o.timeout.count()), o.tries};
  auto& service = static_cast<dns_service&>(detail::loop_access::impl(loop).service(
      &dns_service_key, [] { return std::make_unique<dns_service>(); }));
  for (auto& ch : service.channels) {
    if (ch->config() == config) return *ch;
  }
  auto ch = std::make_unique<detail::dns_channel>(loop, config);
  service.channels.push_back(std::move(ch));
  return *service.channels.back();
}

int system_family(address_family f) {
  switch (f) {
    case address_family::unspecified:
      return AF_UNSPEC;
    case address_family::ipv4:
      return AF_INET;
    case address_family::ipv6:
      return AF_INET6;
    default:
      throw value_error("resolve: the family must be ipv4, ipv6 or unspecified");
  }
}

bool family_matches(address_family wanted, const socket_address& a) {
  return wanted == address_family::unspecified || wanted == a.family();
}

/// The answer for a host that needs no lookup (numeric, or empty), or nothing for a name.
std::optional<std::vector<socket_address>> numeric_host(const std::string& host,
                                                        const resolve_options& o) {
  std::vector<socket_address> out;
  if (host.empty()) {
    const bool passive = has_flag(o.flags, resolve_flags::passive);
    // IPv6 first, as getaddrinfo orders loopback and wildcard answers.
    if (o.family != address_family::ipv4)
      out.push_back(socket_address::from_ip(passive ? "::" : "::1", 0));
    if (o.family != address_family::ipv6) {
      out.push_back(socket_address::from_ip(passive ? "0.0.0.0" : "127.0.0.1", 0));
    }
    return out;
  }
  in_addr v4;
  const bool is_v4 = ::inet_pton(AF_INET, host.c_str(), &v4) == 1;
  if (!is_v4 && host.find(':') == std::string::npos) return std::nullopt;  // a name
  socket_address a;
  try {
    a = socket_address::from_ip(host, 0);
  } catch (const value_error&) {
    detail::throw_dns_error(ARES_EBADNAME, host);
  }
  if (!family_matches(o.family, a)) detail::throw_dns_error(ARES_EBADFAMILY, host);
  out.push_back(a);
  return out;
}

std::vector<address_info> expand(const std::vector<socket_address>& addresses,
                                 const std::string& canonical, std::uint16_t port,
                                 const resolve_options& o) {
  struct kind {
    socket_type type;
    int protocol;
  };
  std::vector<kind> kinds;
  switch (o.type) {
    case socket_type::any:
      if (o.protocol == 0 || o.protocol == IPPROTO_TCP)
        kinds.push_back({socket_type::stream, IPPROTO_TCP});
      if (o.protocol == 0 || o.protocol == IPPROTO_UDP)
        kinds.push_back({socket_type::datagram, IPPROTO_UDP});
      if (o.protocol == 0) kinds.push_back({socket_type::raw, 0});
      if (kinds.empty()) kinds.push_back({socket_type::raw, o.protocol});
      break;
    case socket_type::stream:
      kinds.push_back({o.type, o.protocol != 0 ? o.protocol : IPPROTO_TCP});
      break;
    case socket_type::datagram:
      kinds.push_back({o.type, o.protocol != 0 ? o.protocol : IPPROTO_UDP});
      break;
    case socket_type::raw:
      kinds.push_back({o.type, o.protocol});
      break;
  }
  std::vector<address_info> out;
  out.reserve(addresses.size() * kinds.size());
  for (const auto& a : addresses) {
    if (!family_matches(o.family, a)) continue;
    for (const auto& k : kinds) {
      address_info info;
      info.family = a.family();
      info.type = k.type;
      info.protocol = k.protocol;
      info.address = a.with_port(port);
      if (out.empty() && has_flag(o.flags, resolve_flags::canonical_name)) {
        info.canonical_name = canonical;
      }
      out.push_back(std::move(info));
    }
  }
  return out;
}

}  // namespace

task<std::vector<address_info>> resolve(std::string host, std::uint16_t port,
                                        resolve_options options) {
  const int family = system_family(options.family);
  if (auto numeric = numeric_host(host, options)) {
    co_return expand(*numeric, host, port, options);
  }
  if (has_flag(options.flags, resolve_flags::numeric_host)) {
    detail::throw_dns_error(ARES_ENONAME, host);
  }
  event_loop& loop = event_loop::running();
  detail::dns_channel& channel = channel_for(loop, options);
  const std::string key = detail::dns_cache::key(host, family);
  if (options.use_cache) {
    if (const detail::dns_answer* hit = channel.cache().find(key, loop.time())) {
      co_return expand(hit->addresses, hit->canonical_name, port, options);
    }
  }
  detail::dns_lookup_operation lookup(channel, host, family);
  co_await lookup;
  if (lookup.status() != ARES_SUCCESS) detail::throw_dns_error(lookup.status(), host);
  auto result = expand(lookup.answer().addresses, lookup.answer().canonical_name, port, options);
  if (result.empty()) detail::throw_dns_error(ARES_ENODATA, host);
  if (options.use_cache && lookup.ttl() > 0) {
    channel.cache().insert(key, std::move(lookup.answer()),
                           loop.time() + std::chrono::seconds(lookup.ttl()));
  }
  co_return result;
}

}  // namespace braid::asyncio

namespace braid::asyncio {
// Named defaults, never a braced temporary in a co_await expression (see resolve.hpp).
task<std::vector<address_info>> resolve(std::string host, std::uint16_t port) {
  const resolve_options defaults;
  co_return co_await resolve(std::move(host), port, defaults);
}
}  // namespace braid::asyncio
