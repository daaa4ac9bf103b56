#include "progress.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace braid::tool {

std::string render_progress(std::size_t done, std::size_t total, double elapsed_s,
                            std::size_t width) {
  const double frac = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
  const auto filled = static_cast<std::size_t>(frac * static_cast<double>(width));
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  const double left = done >= total ? 0.0
                      : rate > 0    ? static_cast<double>(total - done) / rate
                                    : -1;
  return fmt::format("[{}{}] {}/{}  {:.1f} req/s  ETA {}", std::string(filled, '#'),
                     std::string(width - filled, '-'), done, total, rate,
                     left < 0 ? fmt::format("?") : fmt::format("{:.0f}s", left));
}

progress_bar::progress_bar(std::size_t total, bool enabled)
    : total_(total), enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

void progress_bar::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r%s\x1b[K", render_progress(done, total_, elapsed).c_str());
  std::fflush(stderr);
}

void progress_bar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
}

}  // namespace braid::tool
