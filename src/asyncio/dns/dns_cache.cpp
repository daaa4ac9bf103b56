#include "dns/dns_cache.hpp"

#include <cctype>
#include <utility>

namespace braid::asyncio::detail {

std::string dns_cache::key(const std::string& name, int family) {
  std::string k;
  k.reserve(name.size() + 4);
  for (char c : name) k.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!k.empty() && k.back() == '.') k.pop_back();  // "a.org." and "a.org" are one name
  k.push_back('\0');
  k += std::to_string(family);
  return k;
}

const dns_answer* dns_cache::find(const std::string& key, time_point now) noexcept {
  auto it = map_.find(key);
  if (it == map_.end()) return nullptr;
  auto e = it->second;
  if (e->expires <= now) {
    map_.erase(it);
    order_.erase(e);
    return nullptr;
  }
  order_.splice(order_.begin(), order_, e);
  return &e->answer;
}

void dns_cache::insert(std::string key, dns_answer answer, time_point expires) {
  if (capacity_ == 0) return;
  if (auto it = map_.find(key); it != map_.end()) {
    order_.erase(it->second);
    map_.erase(it);
  }
  while (map_.size() >= capacity_) {
    map_.erase(order_.back().key);
    order_.pop_back();
  }
  order_.push_front(entry{key, std::move(answer), expires});
  try {
    map_.emplace(std::move(key), order_.begin());
  } catch (...) {
    order_.pop_front();
    throw;
  }
}

}  // namespace braid::asyncio::detail
