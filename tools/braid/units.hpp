#pragma once
/// \file
/// How `braid compare` writes quantities for people. All functions throw only std::bad_alloc.

#include <cstdint>
#include <string>

namespace braid::tool {

/// "850 us", "61.2 ms", "1.62 s": three significant digits, unit chosen by size.
std::string format_duration(double seconds);

/// "3.6 MiB", "812 KiB".
std::string format_memory(std::int64_t kib);

/// A speedup or ratio: "1.94x", "28.5x".
std::string format_factor(double factor);

/// `n` with thousands separators: 300000 -> "300,000".
std::string with_thousands(std::uint64_t n);

}  // namespace braid::tool
