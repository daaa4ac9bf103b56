#pragma once
/// \file
/// braid::threading::event: a flag threads can wait for (Python's threading.Event).

#include <chrono>

#include "braid/threading/detail/futex.hpp"

namespace braid::threading {

/// A flag, initially false, that threads can wait to become true (Python's threading.Event).
///
/// A set() wakes every thread waiting at that moment, even if clear() follows before they run:
/// such a wait still returns true. Built on one futex word; never allocates.
/// All member functions are thread-safe and never throw.
class event {
 public:
  /// A cleared event.
  event() noexcept = default;
  event(const event&) = delete;
  event& operator=(const event&) = delete;
  ~event() = default;

  /// Sets the flag and wakes every waiting thread. Thread-safe; never throws.
  void set() noexcept;

  /// Clears the flag; later waits block until the next set(). Thread-safe; never throws.
  void clear() noexcept;

  /// Whether the flag is set. Thread-safe; never throws.
  [[nodiscard]] bool is_set() const noexcept;

  /// Blocks until the flag is set. Thread-safe; never throws.
  void wait() const noexcept;

  /// Blocks until the flag is set or `timeout` passes; returns true if the flag was set (or a
  /// set() happened while waiting), false on timeout. Thread-safe; never throws.
  bool wait(std::chrono::nanoseconds timeout) const noexcept;

 private:
  // Bit 0: the flag. Bits 1..31: a generation counted up by every set() of a cleared event, so a
  // waiter can tell that a set() happened even if clear() undid the flag.
  mutable detail::futex_word word_{0};
};

}  // namespace braid::threading
