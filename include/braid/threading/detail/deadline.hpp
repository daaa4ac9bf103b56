#pragma once
/// \file
/// Turning a relative timeout into a steady-clock deadline without overflow.

#include <chrono>

namespace braid::threading::detail {

/// now + timeout, clamped so that huge timeouts (nanoseconds::max()) mean "about a century"
/// instead of overflowing the clock. A negative timeout gives a deadline in the past.
inline std::chrono::steady_clock::time_point deadline_after(std::chrono::nanoseconds timeout) {
  constexpr std::chrono::nanoseconds cap = std::chrono::hours(24 * 365 * 100);
  return std::chrono::steady_clock::now() + (timeout > cap ? cap : timeout);
}

}  // namespace braid::threading::detail
