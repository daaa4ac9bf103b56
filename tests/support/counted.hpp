#pragma once
// Test helper: counts its live instances, so a test can see whether the coroutine frames (or
// callables) holding one were destroyed.

#include <atomic>

namespace braid::test {

struct counted {
  static inline std::atomic<int> alive{0};
  counted() { ++alive; }
  counted(const counted&) { ++alive; }
  ~counted() { --alive; }
};

}  // namespace braid::test
