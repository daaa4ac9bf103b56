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
// braid: the guide's own numbers, each n! computed exactly with GMP's C++ interface (mpz_class)
// in a worker process, which sends back how many decimal digits it has (printing three numbers
// of ~456,000 digits helps nobody; the digits are written out, as Python's print would).
#include <gmpxx.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

// The number of decimal digits of n!.
std::size_t compute_factorial_digits(int n) {
  mpz_class result;
  mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(n));
  return result.get_str().size();
}

int main() {
  const std::vector<int> numbers{100000, 100001, 100002};
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
//   Results (decimal digits of n!): 456574, 456579, 456584
//   Completed in 0.06 seconds
