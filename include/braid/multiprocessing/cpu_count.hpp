#pragma once
/// \file
/// braid::multiprocessing::cpu_count(): Python's multiprocessing.cpu_count().

#include <cstddef>

namespace braid::multiprocessing {

/// The number of CPUs this process may run on (its affinity mask, so a container's or
/// `taskset`'s limit counts), at least 1. Never throws; thread-safe.
std::size_t cpu_count() noexcept;

}  // namespace braid::multiprocessing
