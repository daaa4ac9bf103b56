// The semaphore: the count is the futex word; a waiter count lets release skip the wake syscall.
#include "braid/threading/semaphore.hpp"

#include "braid/threading/detail/deadline.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

bool semaphore::try_take() noexcept {
  std::uint32_t current = value_.load(std::memory_order_relaxed);
  while (current > 0) {
    if (value_.compare_exchange_weak(current, current - 1, std::memory_order_acquire,
                                     std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

bool semaphore::acquire(bool blocking) noexcept {
  if (try_take()) return true;
  return blocking && acquire_slow(nullptr);
}

bool semaphore::acquire(std::chrono::nanoseconds timeout) noexcept {
  if (try_take()) return true;
  if (timeout <= std::chrono::nanoseconds::zero()) return false;
  const auto deadline = detail::deadline_after(timeout);
  return acquire_slow(&deadline);
}

bool semaphore::acquire_slow(const std::chrono::steady_clock::time_point* deadline) noexcept {
  // Announce ourselves before the futex re-checks the count: release() increments the count
  // and then reads waiters_ (both seq_cst), so either it sees us or the futex sees its unit.
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  bool taken = false;
  for (;;) {
    if (try_take()) {
      taken = true;
      break;
    }
    if (deadline == nullptr) {
      detail::futex_wait(value_, 0);
    } else if (!detail::futex_wait_until(value_, 0, *deadline)) {
      taken = try_take();
      break;
    }
  }
  waiters_.fetch_sub(1, std::memory_order_relaxed);
  return taken;
}

void semaphore::release(std::uint32_t n) {
  if (n == 0) return;
  std::uint32_t current = value_.load(std::memory_order_relaxed);
  do {
    if (n > bound_ - current) throw value_error("semaphore released too many times");
  } while (!value_.compare_exchange_weak(current, current + n, std::memory_order_seq_cst,
                                         std::memory_order_relaxed));
  if (waiters_.load(std::memory_order_seq_cst) > 0) {
    detail::futex_wake(value_, n > 0x7fffffffU ? 0x7fffffff : static_cast<int>(n));
  }
}

}  // namespace braid::threading
