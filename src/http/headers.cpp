#include "braid/http/headers.hpp"

#include <algorithm>

namespace braid::http {

namespace {
constexpr char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

headers::headers(std::initializer_list<field> fields) : fields_(fields) {}

void headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void headers::set(std::string_view name, std::string value) {
  auto it = std::find_if(fields_.begin(), fields_.end(),
                         [&](const field& f) { return iequals(f.first, name); });
  if (it == fields_.end()) {
    fields_.emplace_back(std::string(name), std::move(value));
    return;
  }
  it->second = std::move(value);
  // Later duplicates go; the first keeps its place so the order stays what the caller built.
  fields_.erase(std::remove_if(std::next(it), fields_.end(),
                               [&](const field& f) { return iequals(f.first, name); }),
                fields_.end());
}

void headers::set_default(std::string_view name, std::string value) {
  if (!contains(name)) fields_.emplace_back(std::string(name), std::move(value));
}

std::size_t headers::remove(std::string_view name) noexcept {
  const auto before = fields_.size();
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const field& f) { return iequals(f.first, name); }),
                fields_.end());
  return before - fields_.size();
}

std::optional<std::string_view> headers::get(std::string_view name) const noexcept {
  for (const auto& f : fields_) {
    if (iequals(f.first, name)) return std::string_view(f.second);
  }
  return std::nullopt;
}

std::string_view headers::get_or(std::string_view name, std::string_view fallback) const noexcept {
  auto v = get(name);
  return v ? *v : fallback;
}

std::vector<std::string_view> headers::get_all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& f : fields_) {
    if (iequals(f.first, name)) out.emplace_back(f.second);
  }
  return out;
}

bool headers::contains(std::string_view name) const noexcept {
  return get(name).has_value();
}

void headers::update(const headers& other) {
  std::vector<std::string_view> replaced;
  for (const auto& f : other.fields_) {
    const bool seen = std::any_of(replaced.begin(), replaced.end(),
                                  [&](std::string_view n) { return iequals(n, f.first); });
    if (!seen) {
      remove(f.first);
      replaced.push_back(f.first);
    }
    fields_.push_back(f);
  }
}

}  // namespace braid::http
