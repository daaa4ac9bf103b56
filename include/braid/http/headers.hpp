#pragma once
/// \file
/// braid::http::headers: an ordered, case-insensitive multimap of HTTP header fields (aiohttp's
/// CIMultiDict). Repeated fields are kept in arrival order, so `Set-Cookie` lines survive; lookups
/// ignore ASCII case, as RFC 9110 says field names do.
///
/// Not thread-safe: one headers object belongs to one task at a time. Nothing here suspends.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace braid::http {

/// True when `a` and `b` are equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b) noexcept;

class headers {
 public:
  using field = std::pair<std::string, std::string>;
  using const_iterator = std::vector<field>::const_iterator;

  headers() = default;
  headers(std::initializer_list<field> fields);

  /// Appends a field, keeping any with the same name (MultiDict.add). Throws std::bad_alloc.
  void add(std::string name, std::string value);
  /// Replaces every field named `name` by one (MultiDict.__setitem__). Throws std::bad_alloc.
  void set(std::string_view name, std::string value);
  /// Sets the field only when none with that name exists (MultiDict.setdefault).
  void set_default(std::string_view name, std::string value);
  /// Removes every field named `name`; returns how many were removed.
  std::size_t remove(std::string_view name) noexcept;

  /// The first value of `name`, or nullopt. The view lives as long as the field.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  /// The first value of `name`, or `fallback`.
  std::string_view get_or(std::string_view name, std::string_view fallback) const noexcept;
  /// Every value of `name` in arrival order (MultiDict.getall).
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const noexcept;

  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }
  void reserve(std::size_t n) { fields_.reserve(n); }
  const_iterator begin() const noexcept { return fields_.begin(); }
  const_iterator end() const noexcept { return fields_.end(); }

  /// Copies each field of `other` over this one: a name present in `other` replaces all fields of
  /// that name here (how per-request headers override a session's).
  void update(const headers& other);

  friend bool operator==(const headers&, const headers&) = default;

 private:
  std::vector<field> fields_;
};

}  // namespace braid::http
