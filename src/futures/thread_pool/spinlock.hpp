#pragma once
// A test-and-test-and-set lock for the pool's queues (private to the thread pool).
//
// Why not std::mutex: the queues are held for a few dozen instructions, but under contention a
// std::mutex sleeps in the kernel, and the benchmarks measured one futex syscall per one or two
// tasks from that alone. This lock spins briefly and then yields, so a preempted holder (more
// threads than cores) still gets the CPU back.

#include <atomic>
#include <thread>

#include "braid/threading/detail/futex.hpp"

namespace braid::futures::detail {

class spinlock {
 public:
  void lock() noexcept {
    for (int spins = 0;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 64) {
          threading::detail::cpu_relax();
        } else {
          std::this_thread::yield();
        }
      }
    }
  }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace braid::futures::detail
