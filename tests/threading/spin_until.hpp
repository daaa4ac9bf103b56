#pragma once
// Test helper: waits for a condition another thread makes true, yielding the CPU (never
// sleeping for a guessed time). The ctest timeout bounds it if the condition never comes.

#include <thread>

namespace braid::threading::test {

template <class Condition>
void spin_until(Condition condition) {
  while (!condition()) std::this_thread::yield();
}

}  // namespace braid::threading::test
