#pragma once
/// \file
/// Thin wrappers over the Linux futex: the one way braid parks and wakes threads. Kept behind this
/// header so a port to another platform replaces one file (src/threading/detail/futex_linux.cpp).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace braid::threading::detail {

using futex_word = std::atomic<std::uint32_t>;
static_assert(sizeof(futex_word) == sizeof(std::uint32_t));

/// Blocks while `word == expected`, until woken. May return spuriously: callers re-check.
void futex_wait(futex_word& word, std::uint32_t expected) noexcept;

/// As futex_wait, giving up at `deadline` (steady clock). Returns false if the deadline passed.
bool futex_wait_until(futex_word& word, std::uint32_t expected,
                      std::chrono::steady_clock::time_point deadline) noexcept;

/// Wakes up to `count` threads blocked on `word`.
void futex_wake(futex_word& word, int count) noexcept;
inline void futex_wake_all(futex_word& word) noexcept {
  futex_wake(word, 0x7fffffff);
}

/// A pause hint for spin loops (does not yield the thread).
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace braid::threading::detail
