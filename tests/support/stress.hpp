#pragma once
// Bounded stress loops for races (tests labelled `stress`, see tests/CMakeLists.txt).
//
// A stress test repeats one racy scenario many times so that rare interleavings happen at least
// once per run; the sanitizers and the scenario's own assertions give the verdict. The loop is
// bounded both in rounds and in time, so a slow sanitizer build tries fewer rounds rather than
// running for minutes. The time bound only limits how much is tried: it never decides whether
// the test passes, so a loaded machine cannot make it flaky.
//
// BRAID_STRESS_SCALE (a positive number, default 1) multiplies both bounds, for a longer hunt by
// hand: `BRAID_STRESS_SCALE=20 ctest -L stress`.

#include <chrono>
#include <cstddef>
#include <cstdlib>

namespace braid::test {

/// The factor BRAID_STRESS_SCALE asks for (1 when unset or not a positive number).
inline double stress_scale() {
  const char* text = std::getenv("BRAID_STRESS_SCALE");
  if (text == nullptr) return 1.0;
  const double scale = std::strtod(text, nullptr);
  return scale > 0 ? scale : 1.0;
}

/// Calls `round(i)` for i = 0, 1, ... until `max_rounds` rounds ran or `budget` passed (at least
/// one round always runs). Returns how many rounds ran.
template <class Round>
std::size_t stress_rounds(std::size_t max_rounds, std::chrono::milliseconds budget, Round&& round) {
  const double scale = stress_scale();
  const auto rounds = static_cast<std::size_t>(static_cast<double>(max_rounds) * scale);
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(budget * scale);
  std::size_t i = 0;
  do {
    round(i);
    ++i;
  } while (i < rounds && std::chrono::steady_clock::now() < deadline);
  return i;
}

}  // namespace braid::test
