#pragma once
/// \file
/// Turning a relative timeout into a steady-clock deadline without overflow: the one helper every
/// module uses, so `duration::max()` means "wait practically forever" everywhere.

#include <chrono>

namespace braid::detail {

/// The longest wait braid computes a deadline for: about a century. Adding more to now() could
/// overflow the clock's 64-bit nanosecond count.
inline constexpr std::chrono::nanoseconds max_timeout = std::chrono::hours(24 * 365 * 100);

/// `timeout`, capped at max_timeout. Accepts any duration type (seconds::max() too) without
/// overflowing in the conversion to nanoseconds.
template <class Rep, class Period>
constexpr std::chrono::nanoseconds clamp_timeout(std::chrono::duration<Rep, Period> timeout) {
  if (timeout >= std::chrono::duration_cast<std::chrono::duration<Rep, Period>>(max_timeout)) {
    return max_timeout;
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(timeout);
}

/// now + timeout, clamped (see clamp_timeout). A negative timeout gives a deadline in the past.
inline std::chrono::steady_clock::time_point deadline_after(std::chrono::nanoseconds timeout) {
  return std::chrono::steady_clock::now() + clamp_timeout(timeout);
}

}  // namespace braid::detail
