#pragma once
// The answers of one resolver channel, kept for their DNS time-to-live. Bounded: beyond the
// capacity the least recently used name goes. Private to src/asyncio; loop-thread only.

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/socket_address.hpp"

namespace braid::asyncio::detail {

/// What a lookup found: its addresses (port 0) and canonical name.
struct dns_answer {
  std::vector<socket_address> addresses;
  std::string canonical_name;
};

class dns_cache {
 public:
  /// At most `capacity` names (0 caches nothing). Never throws.
  explicit dns_cache(std::size_t capacity) noexcept : capacity_(capacity) {}

  /// The key of `name` (DNS names are case-insensitive) looked up for `family`. Throws
  /// std::bad_alloc.
  static std::string key(const std::string& name, int family);

  /// The answer under `key` if it has not expired at `now` (an expired one is removed), made
  /// the most recently used. The pointer is valid until the next insert(). Never throws.
  const dns_answer* find(const std::string& key, time_point now) noexcept;
  /// Keeps `answer` under `key` until `expires`, replacing what was there; evicts the least
  /// recently used name when full. Throws std::bad_alloc (the cache is then unchanged or lost
  /// that one name).
  void insert(std::string key, dns_answer answer, time_point expires);

  std::size_t size() const noexcept { return map_.size(); }

 private:
  struct entry {
    std::string key;
    dns_answer answer;
    time_point expires;
  };
  std::size_t capacity_;
  std::list<entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<entry>::iterator> map_;
};

}  // namespace braid::asyncio::detail
