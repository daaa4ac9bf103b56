#pragma once
/// \file
/// The time source of an event loop: the real steady clock, or a virtual_clock for tests that
/// jumps to the next timer whenever the loop would otherwise wait (tokio's `start_paused`).

#include <chrono>
#include <ratio>

#include "braid/detail/deadline.hpp"

namespace braid::asyncio {

using time_point = std::chrono::steady_clock::time_point;
using duration = std::chrono::steady_clock::duration;

namespace detail {
/// `now + delay` without overflow: the delay is capped by braid::detail::clamp_timeout (about a
/// century), so `duration::max()` means practically forever rather than a deadline in the past.
/// Sub-nanosecond delays round up. Never throws.
template <class Rep, class Period>
constexpr time_point add_delay(time_point now, std::chrono::duration<Rep, Period> delay) noexcept {
  duration d = braid::detail::clamp_timeout(delay);
  if constexpr (std::ratio_less_v<Period, std::nano>) {
    if (d < delay) d += duration(1);
  }
  return now + d;
}
}  // namespace detail

/// What an event loop reads the time from. Implementations must be cheap and must never go back.
class clock {
 public:
  virtual ~clock() = default;
  /// The current time. Called on the loop's thread only.
  virtual time_point now() const noexcept = 0;
  /// True for clocks the loop may move forward itself (virtual_clock).
  virtual bool is_virtual() const noexcept { return false; }
  /// Moves a virtual clock to `t` (never backwards); ignored by real clocks.
  virtual void advance_to(time_point t) noexcept { (void)t; }
};

/// std::chrono::steady_clock. The default of every loop.
class steady_clock final : public clock {
 public:
  /// std::chrono::steady_clock::now(). Never throws; thread-safe.
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
};

/// Virtual time for deterministic tests. It starts at `start` and moves only when advanced, or
/// when its loop has nothing ready, no thread-bound work in flight (to_thread, awaited futures,
/// call_soon_threadsafe results it waits for), and a timer pending: the loop then jumps straight
/// to that timer, so `co_await sleep(1h)` finishes at once while every ordering is preserved.
/// Loop-thread only.
class virtual_clock final : public clock {
 public:
  /// A clock standing at `start`. Never throws.
  explicit virtual_clock(time_point start = time_point{}) noexcept : now_(start) {}
  /// The virtual time. Never throws.
  time_point now() const noexcept override { return now_; }
  /// True. Never throws.
  bool is_virtual() const noexcept override { return true; }
  /// Moves time to `t`; an earlier `t` is ignored. Never throws.
  void advance_to(time_point t) noexcept override {
    if (t > now_) now_ = t;
  }
  /// Moves time forward by `d` (timers due by then fire on the loop's next iteration). Never
  /// throws; `d` must not overflow the clock (it is not clamped).
  void advance(duration d) noexcept { now_ += d; }

 private:
  time_point now_;
};

}  // namespace braid::asyncio
