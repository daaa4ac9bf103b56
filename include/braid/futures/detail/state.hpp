#pragma once
/// \file
/// The typed half of a future's shared state: storage for the value.

#include <new>
#include <type_traits>
#include <utility>

#include "braid/futures/detail/state_base.hpp"

namespace braid::futures::detail {

template <class T>
class state : public state_base {
 public:
  state() noexcept {}
  ~state() override {
    if (has_value_) value_.~T();
  }

  /// Claims, constructs the value from `args` and publishes. False (nothing stored) if the state
  /// was already done or claimed. A throwing constructor stores its exception instead.
  template <class... A>
  bool try_set_value(A&&... args) noexcept {
    if (!try_claim()) return false;
    try {
      ::new (static_cast<void*>(&value_)) T(std::forward<A>(args)...);
      has_value_ = true;
      publish(nullptr);
    } catch (...) {
      publish(std::current_exception());
    }
    return true;
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
  bool try_set_value() noexcept {
    if (!try_claim()) return false;
    publish(nullptr);
    return true;
  }
};

}  // namespace braid::futures::detail
