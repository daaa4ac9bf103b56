#pragma once
/// \file
/// braid::threading::semaphore and bounded_semaphore (Python's threading.Semaphore and
/// threading.BoundedSemaphore).

#include <atomic>
#include <chrono>
#include <cstdint>

#include "braid/threading/detail/futex.hpp"

namespace braid::threading {

/// A counting semaphore (Python's threading.Semaphore): acquire() takes one unit, blocking while
/// there is none; release(n) gives back n. Satisfies Lockable (lock() / unlock() / try_lock()),
/// so std::lock_guard can hold one unit. The count is at most 2^32 - 1.
///
/// All member functions are thread-safe.
class semaphore {
 public:
  /// A semaphore holding `value` units. Never throws.
  explicit semaphore(std::uint32_t value = 1) noexcept : semaphore(value, UINT32_MAX) {}
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;
  ~semaphore() = default;

  /// Takes one unit, blocking until one is available if `blocking`; returns whether it took one.
  /// Never throws.
  bool acquire(bool blocking = true) noexcept;

  /// Takes one unit, giving up after `timeout`; returns whether it took one. Never throws.
  bool acquire(std::chrono::nanoseconds timeout) noexcept;

  /// Gives back `n` units and wakes up to `n` waiters. Throws value_error if the count would
  /// pass its bound (the initial value for bounded_semaphore, 2^32 - 1 otherwise), changing
  /// nothing.
  void release(std::uint32_t n = 1);

  /// The units available now (a snapshot). Never throws.
  [[nodiscard]] std::uint32_t value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

  /// Lockable: acquire(). Never throws.
  void lock() noexcept { acquire(); }
  /// Lockable: release(). Throws value_error as release does.
  void unlock() { release(); }
  /// Lockable: acquire(false). Never throws.
  bool try_lock() noexcept { return acquire(false); }

 protected:
  semaphore(std::uint32_t value, std::uint32_t bound) noexcept : value_(value), bound_(bound) {}

 private:
  bool try_take() noexcept;
  bool acquire_slow(const std::chrono::steady_clock::time_point* deadline) noexcept;

  detail::futex_word value_;
  std::atomic<std::uint32_t> waiters_{0};
  std::uint32_t bound_;
};

/// A semaphore whose release() throws value_error instead of raising the count above its
/// initial value (Python's threading.BoundedSemaphore): it catches releases without acquires.
class bounded_semaphore : public semaphore {
 public:
  /// A bounded semaphore holding, and never more than, `value` units. Never throws.
  explicit bounded_semaphore(std::uint32_t value = 1) noexcept : semaphore(value, value) {}
};

}  // namespace braid::threading
