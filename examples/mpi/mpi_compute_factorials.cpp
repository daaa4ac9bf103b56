// The seed guide's factorial workload ("Multiprocessing for CPU-Bound Tasks") on MPI ranks:
//
//   from mpi4py.futures import MPIPoolExecutor
//   with MPIPoolExecutor() as pool: results = list(pool.map(compute_factorial, numbers))
//
// Run it either way; the code is the same:
//   mpirun -n 4 mpi_compute_factorials     rank 0 runs main, ranks 1-3 are the workers
//   ./mpi_compute_factorials               the pool spawns 3 workers with MPI_Comm_spawn
//
// As in examples/multiprocessing/pool_compute_factorials.cpp, each worker computes n! exactly
// with GMP (the guide's own numbers) and sends back its decimal digit count and digit sum.
#include <gmpxx.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "braid/mpi.hpp"

namespace mpi = braid::mpi;

// [factorial]
// How many decimal digits n! has, and their sum: small results for a big computation (GMP's
// mpz_class does the arithmetic).
std::pair<std::size_t, std::uint64_t> factorial_digits(int n) {
  mpz_class result;
  mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(n));
  const std::string text = result.get_str();
  std::uint64_t sum = 0;
  for (char c : text) sum += static_cast<std::uint64_t>(c - '0');
  return {text.size(), sum};
}
// [end factorial]

int main() {
  // [pool]
  const std::vector<int> numbers{100000, 100001, 100002};
  const auto start = std::chrono::steady_clock::now();
  // Under mpirun the pool uses the job's worker ranks (spawn_info is then unused); started
  // alone it spawns 3 workers, more than this machine may have cores, hence OVERSUBSCRIBE.
  mpi::mpi_pool_executor pool(
      mpi::mpi_pool_options{.max_workers = 3, .spawn_info = {{"map_by", ":OVERSUBSCRIBE"}}});
  for (const auto& [digits, digit_sum] : pool.map(factorial_digits, numbers)) {
    std::printf("%zu digits, digit sum %llu\n", digits, static_cast<unsigned long long>(digit_sum));
  }
  pool.shutdown();
  // [end pool]
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%zu workers (%s), completed in %.2f seconds\n", pool.max_workers(),
              pool.mode() == mpi::start_mode::world ? "world ranks" : "spawned", elapsed.count());
}
// Output (the time varies):
//   456574 digits, digit sum 1938780
//   456579 digits, digit sum 1942704
//   456584 digits, digit sum 1940940
//   3 workers (spawned), completed in 1.61 seconds
