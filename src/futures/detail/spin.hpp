#pragma once
// Bounded spinning before a thread parks (private to src/futures).
//
// Why spin at all: on this project's target machines an idle core takes tens of microseconds to
// wake, while a short task finishes in a few. A waiter that spins for a few microseconds first
// avoids the sleep/wake pair entirely when the result is about to arrive.

#include <chrono>
#include <utility>

#include "braid/futures/detail/state_base.hpp"
#include "braid/threading/detail/futex.hpp"

namespace braid::futures::detail {

/// How long a thread blocked in result()/wait() spins before it parks.
inline constexpr std::chrono::nanoseconds wait_spin_budget{10'000};

/// Spins until `done()` returns true or `budget` passes; returns the last answer of done().
/// Reads the clock only every 32 pauses: clock reads cost more than pauses. It never yields:
/// a spinning pool worker is counted as one that will find new work, so submitters skip waking
/// a sleeper for it, and a spinner that yields on a loaded machine loses its core for a whole
/// time slice. Measured with a compiler build running beside the benchmark, yielding after 2 us
/// made an idle pool's round trip take 2-7 ms at the median instead of 30-36 us. The budget is
/// short enough that not yielding costs little when threads outnumber cores.
template <class Done>
bool spin_until(Done done, std::chrono::nanoseconds budget) noexcept {
  if (done()) return true;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    for (int i = 0; i < 32; ++i) {
      threading::detail::cpu_relax();
      if (done()) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

/// Set on a thread whose submit just woke a sleeping pool worker: the work will not start for
/// the tens of microseconds a wake-up takes here, so a result() that follows parks at once
/// instead of spinning, freeing its core for the woken worker (the kernel prefers to run the
/// wakee on the waker's core when the waker sleeps). Cleared by the next wait.
inline thread_local bool woke_a_sleeper = false;

/// How long a waiter spins while the work has not even started.
inline constexpr std::chrono::nanoseconds pending_spin_budget{5'000};

/// Spins while the result is likely to arrive soon. While the work is still queued (pending) it
/// spins only briefly: a worker busy or spinning picks it up within a microsecond, and if none
/// did, a sleeping worker has to be woken, which is fastest when this thread parks at once and
/// frees its core for the woken worker (the kernel prefers the waker's idle core). Once the work
/// runs, the full budget applies.
inline bool spin_until_done(const state_base& s) noexcept {
  if (std::exchange(woke_a_sleeper, false) && s.current() == status::pending) return s.done();
  if (spin_until([&s] { return s.current() != status::pending; }, pending_spin_budget)) {
    return spin_until([&s] { return s.done(); }, wait_spin_budget);
  }
  return s.done();
}

}  // namespace braid::futures::detail
