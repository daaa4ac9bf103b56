#pragma once
/// \file
/// `braid fetch`'s progress bar on stderr: drawn only when stderr is a terminal, redrawn at
/// most ten times a second, with the rate and the estimated time left.

#include <chrono>
#include <cstddef>
#include <string>

namespace braid::tool {

/// One line: "[#####-----]  45/100  12.3 req/s  ETA 4s" (no newline). `width` is the bar's.
std::string render_progress(std::size_t done, std::size_t total, double elapsed_s,
                            std::size_t width = 30);

class progress_bar {
 public:
  /// `enabled` false (stderr not a terminal) makes every call a no-op.
  progress_bar(std::size_t total, bool enabled);
  /// Redraws if 100 ms passed since the last draw or `done` reached the total.
  void update(std::size_t done);
  /// Clears the line so the summary starts on a clean one.
  void finish();

 private:
  std::size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_{};
};

}  // namespace braid::tool
