// Linux futex backend for braid::threading::detail (see futex.hpp).
#include "braid/threading/detail/futex.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace braid::threading::detail {
namespace {

long futex(futex_word& word, int op, std::uint32_t value, const timespec* timeout) noexcept {
  // The atomic is layout-compatible with its value (static_assert in the header).
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), op | FUTEX_PRIVATE_FLAG,
                   value, timeout, nullptr, 0);
}

}  // namespace

void futex_wait(futex_word& word, std::uint32_t expected) noexcept {
  futex(word, FUTEX_WAIT, expected, nullptr);
}

bool futex_wait_until(futex_word& word, std::uint32_t expected,
                      std::chrono::steady_clock::time_point deadline) noexcept {
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, which is what steady_clock is
  // on Linux; an absolute deadline needs no recomputation after a spurious wake.
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  if (ns <= 0) return false;
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  const long rc = ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
                            FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, &ts, nullptr,
                            FUTEX_BITSET_MATCH_ANY);
  return !(rc == -1 && errno == ETIMEDOUT);
}

void futex_wake(futex_word& word, int count) noexcept {
  futex(word, FUTEX_WAKE, static_cast<std::uint32_t>(count), nullptr);
}

}  // namespace braid::threading::detail
