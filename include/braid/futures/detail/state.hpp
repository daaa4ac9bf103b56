#pragma once
/// \file
/// The typed half of a future's shared state: storage for the value.

#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>

#include "braid/futures/detail/state_base.hpp"

namespace braid::futures::detail {

template <class T>
class state : public state_base {
 public:
  state() noexcept {}
  explicit state(std::uint32_t initial_refs) noexcept : state_base(initial_refs) {}
  ~state() override {
    if (has_value_) value_.~T();
  }

  /// Claims, constructs the value from `args` and publishes. False (nothing stored) if the state
  /// was already done or claimed. A throwing constructor stores its exception instead.
  template <class... A>
  bool try_set_value(A&&... args) noexcept {
    if (!try_claim()) return false;
    set_value_owned(std::forward<A>(args)...);
    return true;
  }

  /// For the only possible completer of a running state (see publish()): constructs the value
  /// and publishes it, or the constructor's exception, without claiming first.
  template <class... A>
  void set_value_owned(A&&... args) noexcept {
    try {
      store_value(std::forward<A>(args)...);
      publish(nullptr);
    } catch (...) {
      publish(std::current_exception());
    }
  }

  /// For the only possible completer of a running state: constructs the value without
  /// publishing it (publish(nullptr) must follow). Throws what the constructor throws.
  template <class... A>
  void store_value(A&&... args) {
    ::new (static_cast<void*>(&value_)) T(std::forward<A>(args)...);
    has_value_ = true;
  }

  /// The value; only once finished without error.
  T& value() noexcept { return value_; }

 private:
  union {
    T value_;
  };
  bool has_value_ = false;
};

template <>
class state<void> : public state_base {
 public:
  state() noexcept = default;
  explicit state(std::uint32_t initial_refs) noexcept : state_base(initial_refs) {}
  void set_value_owned() noexcept { publish(nullptr); }
  bool try_set_value() noexcept {
    if (!try_claim()) return false;
    set_value_owned();
    return true;
  }
};

}  // namespace braid::futures::detail
