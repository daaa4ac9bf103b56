#pragma once
// Bounded spinning before a thread parks (private to src/futures).
//
// Why spin at all: on this project's target machines an idle core takes tens of microseconds to
// wake, while a short task finishes in a few. A waiter that spins for a few microseconds first
// avoids the sleep/wake pair entirely when the result is about to arrive.

#include <chrono>
#include <thread>

#include "braid/futures/detail/state_base.hpp"
#include "braid/threading/detail/futex.hpp"

namespace braid::futures::detail {

/// How long a thread blocked in result()/wait() spins before it parks.
inline constexpr std::chrono::nanoseconds wait_spin_budget{10'000};

/// Spins until `done()` returns true or `budget` passes; returns the last answer of done().
/// Reads the clock only every 32 pauses: clock reads cost more than pauses. After the first
/// couple of microseconds it also yields between rounds: when there are more runnable threads
/// than cores, the thread that would make `done()` true may be waiting for this very core.
template <class Done>
bool spin_until(Done done, std::chrono::nanoseconds budget) noexcept {
  if (done()) return true;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + budget;
  const auto yield_after = start + std::chrono::microseconds(2);
  for (;;) {
    for (int i = 0; i < 32; ++i) {
      threading::detail::cpu_relax();
      if (done()) return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return done();
    if (now >= yield_after) std::this_thread::yield();
  }
}

/// How long a waiter spins while the work has not even started.
inline constexpr std::chrono::nanoseconds pending_spin_budget{5'000};

/// Spins while the result is likely to arrive soon. While the work is still queued (pending) it
/// spins only briefly: a worker busy or spinning picks it up within a microsecond, and if none
/// did, a sleeping worker has to be woken, which is fastest when this thread parks at once and
/// frees its core for the woken worker (the kernel prefers the waker's idle core). Once the work
/// runs, the full budget applies.
inline bool spin_until_done(const state_base& s) noexcept {
  if (spin_until([&s] { return s.current() != status::pending; }, pending_spin_budget)) {
    return spin_until([&s] { return s.done(); }, wait_spin_budget);
  }
  return s.done();
}

}  // namespace braid::futures::detail
