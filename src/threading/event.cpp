// The event: one futex word holding the flag and a set() generation.
#include "braid/threading/event.hpp"

#include "braid/threading/detail/deadline.hpp"

namespace braid::threading {

void event::set() noexcept {
  std::uint32_t current = word_.load(std::memory_order_relaxed);
  while ((current & 1U) == 0) {
    const std::uint32_t next = ((current >> 1) + 1) << 1 | 1U;
    if (word_.compare_exchange_weak(current, next, std::memory_order_release,
                                    std::memory_order_relaxed)) {
      detail::futex_wake_all(word_);
      return;
    }
  }
}

void event::clear() noexcept {
  word_.fetch_and(~1U, std::memory_order_relaxed);
}

bool event::is_set() const noexcept {
  return (word_.load(std::memory_order_acquire) & 1U) != 0;
}

void event::wait() const noexcept {
  const std::uint32_t seen = word_.load(std::memory_order_acquire);
  if ((seen & 1U) != 0) return;
  // A cleared event changes only through set(), which bumps the generation.
  while (word_.load(std::memory_order_acquire) == seen) detail::futex_wait(word_, seen);
}

bool event::wait(std::chrono::nanoseconds timeout) const noexcept {
  const std::uint32_t seen = word_.load(std::memory_order_acquire);
  if ((seen & 1U) != 0) return true;
  if (timeout <= std::chrono::nanoseconds::zero()) return false;
  const auto deadline = detail::deadline_after(timeout);
  while (word_.load(std::memory_order_acquire) == seen) {
    if (!detail::futex_wait_until(word_, seen, deadline)) break;
  }
  return word_.load(std::memory_order_acquire) != seen;
}

}  // namespace braid::threading
