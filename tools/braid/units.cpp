#include "units.hpp"

#include <fmt/format.h>

namespace braid::tool {
namespace {

/// `value` with three significant digits (no exponent) followed by `unit`.
std::string three_digits(double value, const char* unit) {
  if (value >= 99.95) return fmt::format("{:.0f} {}", value, unit);
  if (value >= 9.995) return fmt::format("{:.1f} {}", value, unit);
  return fmt::format("{:.2f} {}", value, unit);
}

}  // namespace

std::string format_duration(double seconds) {
  if (seconds >= 0.9995) return three_digits(seconds, "s");
  if (seconds >= 0.0009995) return three_digits(seconds * 1e3, "ms");
  return three_digits(seconds * 1e6, "us");
}

std::string format_memory(std::int64_t kib) {
  if (kib >= 1024 * 1024) return three_digits(static_cast<double>(kib) / (1024.0 * 1024.0), "GiB");
  if (kib >= 1000) return three_digits(static_cast<double>(kib) / 1024.0, "MiB");
  return fmt::format("{} KiB", kib);
}

std::string format_factor(double factor) {
  if (factor >= 9.995) return fmt::format("{:.1f}x", factor);
  return fmt::format("{:.2f}x", factor);
}

std::string with_thousands(std::uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace braid::tool
