// Python (seed guide "Multiprocessing for CPU-Bound Tasks"):
//
//   from multiprocessing import Pool
//   import math, time
//   def compute_factorial(n): return math.factorial(n)
//   numbers = [100000, 100001, 100002]
//   start_time = time.time()
//   with Pool(processes=3) as pool: results = pool.map(compute_factorial, numbers)
//   print(f"Results: {results}")
//   print(f"Completed in {time.time() - start_time:.2f} seconds")
//
// braid: C++ has no built-in big integers, so each worker computes n! exactly with a small
// base-10^9 big number and sends back how many decimal digits it has (printing three numbers
// of ~77,000 digits helps nobody). Smaller n than the guide's keep the test quick.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

// The number of decimal digits of n!.
std::size_t compute_factorial_digits(int n) {
  std::vector<std::uint32_t> limbs{1};  // little-endian, base 10^9
  for (int k = 2; k <= n; ++k) {
    std::uint64_t carry = 0;
    for (auto& limb : limbs) {
      const std::uint64_t v =
          static_cast<std::uint64_t>(limb) * static_cast<std::uint64_t>(k) + carry;
      limb = static_cast<std::uint32_t>(v % 1'000'000'000);
      carry = v / 1'000'000'000;
    }
    while (carry != 0) {
      limbs.push_back(static_cast<std::uint32_t>(carry % 1'000'000'000));
      carry /= 1'000'000'000;
    }
  }
  return 9 * (limbs.size() - 1) + std::to_string(limbs.back()).size();
}

int main() {
  const std::vector<int> numbers{20000, 20001, 20002};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::size_t> results;
  {
    mp::pool pool(3);
    results = pool.map(compute_factorial_digits, numbers);
  }
  std::printf("Results (decimal digits of n!): %zu, %zu, %zu\n", results[0], results[1],
              results[2]);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("Completed in %.2f seconds\n", elapsed.count());
}
// Output (the time varies):
//   Results (decimal digits of n!): 77338, 77342, 77346
//   Completed in 0.21 seconds
