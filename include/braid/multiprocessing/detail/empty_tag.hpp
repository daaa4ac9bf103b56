#pragma once
/// \file
/// Types received from another process are first made empty, then loaded. A type whose default
/// constructor does real work (creating shared memory) offers a constructor taking empty_tag.

#include <type_traits>

namespace braid::multiprocessing::detail {

struct empty_tag {
  explicit empty_tag() = default;
};

template <class T>
T make_empty() {
  if constexpr (std::is_constructible_v<T, empty_tag>) {
    return T(empty_tag{});
  } else {
    return T{};
  }
}

template <class T>
inline constexpr bool can_make_empty_v =
    std::is_constructible_v<T, empty_tag> || std::is_default_constructible_v<T>;

}  // namespace braid::multiprocessing::detail
