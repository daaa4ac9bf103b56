#pragma once
/// \file
/// braid::asyncio::resolve: name lookups on the event loop (Python's loop.getaddrinfo), through
/// c-ares: no thread per lookup, /etc/hosts and resolv.conf honoured, answers cached per loop
/// for their DNS time-to-live.
///
/// ```
/// std::vector<asyncio::address_info> found = co_await asyncio::resolve("example.org", 443);
/// ```

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "braid/asyncio/dns_error.hpp"
#include "braid/asyncio/socket_address.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A socket type, as the system numbers them (SOCK_STREAM, SOCK_DGRAM, SOCK_RAW).
enum class socket_type : int { any = 0, stream = 1, datagram = 2, raw = 3 };

/// getaddrinfo's flags (Python's socket.AI_*), combined with `|`.
enum class resolve_flags : unsigned {
  none = 0,
  /// An empty host means the wildcard address (0.0.0.0 / ::), for bind(); without it, loopback.
  passive = 1,
  /// Report the canonical name (after CNAMEs) in the first result.
  canonical_name = 2,
  /// Only numeric hosts: a name fails with dns_not_found_error and sends no query.
  numeric_host = 4,
};
constexpr resolve_flags operator|(resolve_flags a, resolve_flags b) noexcept {
  return static_cast<resolve_flags>(static_cast<unsigned>(a) | static_cast<unsigned>(b));
}
constexpr bool has_flag(resolve_flags set, resolve_flags f) noexcept {
  return (static_cast<unsigned>(set) & static_cast<unsigned>(f)) != 0;
}

/// One result of resolve() (one of the 5-tuples of Python's getaddrinfo).
struct address_info {
  address_family family = address_family::unspecified;
  socket_type type = socket_type::any;
  int protocol = 0;            ///< IPPROTO_TCP, IPPROTO_UDP, or 0
  std::string canonical_name;  ///< set in the first result only, with resolve_flags::canonical_name
  socket_address address;      ///< with the port asked for
};

/// How resolve() looks a name up (Python's getaddrinfo arguments, plus the resolver's settings).
struct resolve_options {
  /// ipv4 or ipv6 for one family; unspecified asks for both (A and AAAA).
  address_family family = address_family::unspecified;
  /// One socket type, or `any` for one result per address and type (stream/TCP, datagram/UDP,
  /// raw), as getaddrinfo does.
  socket_type type = socket_type::any;
  /// A protocol (IPPROTO_*), or 0 for the type's usual one.
  int protocol = 0;
  resolve_flags flags = resolve_flags::none;

  // --- The resolver: lookups with the same settings share one c-ares channel per loop -------
  /// Name servers as "host", "host:port", "[v6]:port"; empty means resolv.conf's.
  std::vector<std::string> name_servers;
  /// Search domains tried after the name (resolv.conf's `search`); empty optional means
  /// resolv.conf's, an empty list none.
  std::optional<std::vector<std::string>> search_domains;
  /// How long to wait for one answer before trying again; zero means resolv.conf's or c-ares's
  /// (5 s, doubling per round).
  std::chrono::milliseconds timeout{0};
  /// How many times each server is tried; zero means resolv.conf's or c-ares's (4).
  int tries = 0;
  /// Answers are cached per loop for their time-to-live (at most 1024 names, least recently
  /// used first out); false neither reads nor fills the cache.
  bool use_cache = true;
};

/// Looks `host` up and returns its addresses with `port` (Python's loop.getaddrinfo). A numeric
/// host ("127.0.0.1", "::1", "fe80::1%lo") is answered at once, without any lookup; an empty
/// host means loopback, or the wildcard with resolve_flags::passive. A name is looked up in
/// /etc/hosts, then the DNS (resolv.conf's `lookup` order), on the running loop: the c-ares
/// channel of these options (one per loop and settings, made on first use, kept until the loop
/// closes; an idle channel holds no descriptor) sends queries from driver tasks that wait on its
/// sockets and its timeouts. Answers with a time-to-live are cached (see use_cache); answers from
/// /etc/hosts are not.
///
/// Throws dns_not_found_error (NXDOMAIN, no address of the family, a name with numeric_host),
/// dns_timeout_error (no answer after every try), dns_error for the other failures (refused,
/// server failure, a malformed name, a numeric host of the other family, a bad name server
/// string), value_error for a family other than ipv4, ipv6 or unspecified, event_loop_error
/// when a name must be looked up outside a running loop or a task (numeric hosts need neither),
/// std::bad_alloc, cancelled_error.
/// **Cancel safety**: a cancellation point. Cancelling abandons this lookup only: its answer, if
/// one comes, is dropped (other lookups go on); once no lookup of the channel is waited for,
/// its queries are ended and their sockets closed. Nothing leaks.
/// Loop-thread only.
/// On a virtual_clock the cache ages on the loop's (virtual) time, but c-ares's retry timeouts
/// are not run at all, since c-ares counts them on real time: a query nobody answers then waits
/// until cancelled (put a timeout() scope around it, which virtual time does run).
task<std::vector<address_info>> resolve(std::string host, std::uint16_t port,
                                        resolve_options options);
/// With default options. (An overload, not a `= {}` default: g++ 12 destroys a braced
/// aggregate temporary made inside a co_await expression twice.)
task<std::vector<address_info>> resolve(std::string host, std::uint16_t port);

}  // namespace braid::asyncio
