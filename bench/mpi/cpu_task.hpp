#pragma once
// The CPU-bound task of bench/mpi/run_cpu_scaling.sh, shared by the MPI pool's benchmark and the
// process pool's, so both run exactly the same code: count the primes below a fixed bound by
// trial division (no memory traffic, no allocation, a few milliseconds of one core).

namespace braid_bench {

inline constexpr long prime_bound = 250'000;

inline long count_primes_below(long bound) {
  long count = 0;
  for (long n = 2; n < bound; ++n) {
    bool prime = true;
    for (long d = 2; d * d <= n; ++d) {
      if (n % d == 0) {
        prime = false;
        break;
      }
    }
    count += prime ? 1 : 0;
  }
  return count;
}

// One task: the input only tells tasks apart; each counts the same range.
inline long prime_task(int) {
  return count_primes_below(prime_bound);
}

}  // namespace braid_bench
