// The futex lock (Drepper's "Futexes are tricky", mutex 2) with a short spin before parking.
//
// Why not std::timed_mutex: Python's Lock may be released by a thread that did not acquire it,
// which is undefined behaviour for every std mutex. The futex word makes that legal and keeps
// the uncontended path to one compare-exchange each way.
#include "braid/threading/lock.hpp"

#include "braid/threading/detail/deadline.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {
namespace {
constexpr int spin_limit = 100;
}

bool lock_type::acquire(bool blocking) noexcept {
  std::uint32_t expected = 0;
  if (state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return true;
  }
  if (!blocking) return false;
  return acquire_contended(nullptr);
}

bool lock_type::acquire(std::chrono::nanoseconds timeout) noexcept {
  std::uint32_t expected = 0;
  if (state_.compare_exchange_strong(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
    return true;
  }
  if (timeout <= std::chrono::nanoseconds::zero()) return false;
  const auto deadline = detail::deadline_after(timeout);
  return acquire_contended(&deadline);
}

bool lock_type::acquire_contended(const std::chrono::steady_clock::time_point* deadline) noexcept {
  for (int i = 0; i < spin_limit; ++i) {
    std::uint32_t expected = 0;
    if (state_.load(std::memory_order_relaxed) == 0 &&
        state_.compare_exchange_weak(expected, 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return true;
    }
    detail::cpu_relax();
  }
  // From here on the word says 2 while we hold it: we cannot know whether others still wait.
  while (state_.exchange(2, std::memory_order_acquire) != 0) {
    if (deadline == nullptr) {
      detail::futex_wait(state_, 2);
    } else if (!detail::futex_wait_until(state_, 2, *deadline)) {
      return state_.exchange(2, std::memory_order_acquire) == 0;
    }
  }
  return true;
}

void lock_type::release() {
  std::uint32_t current = state_.load(std::memory_order_relaxed);
  do {
    if (current == 0) throw invalid_state_error("release of an unlocked lock");
  } while (!state_.compare_exchange_weak(current, 0, std::memory_order_release,
                                         std::memory_order_relaxed));
  if (current == 2) detail::futex_wake(state_, 1);
}

}  // namespace braid::threading
