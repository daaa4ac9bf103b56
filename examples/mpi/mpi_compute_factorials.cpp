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
// with a small base-10^9 big number and sends back its decimal digit count and digit sum.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "braid/mpi.hpp"

namespace mpi = braid::mpi;

// [factorial]
// n! in base 10^9, least significant limb first.
std::vector<std::uint32_t> factorial(int n) {
  std::vector<std::uint32_t> limbs{1};
  for (int k = 2; k <= n; ++k) {
    std::uint64_t carry = 0;
    for (auto& limb : limbs) {
      const std::uint64_t v = std::uint64_t{limb} * static_cast<std::uint64_t>(k) + carry;
      limb = static_cast<std::uint32_t>(v % 1'000'000'000);
      carry = v / 1'000'000'000;
    }
    for (; carry != 0; carry /= 1'000'000'000) {
      limbs.push_back(static_cast<std::uint32_t>(carry % 1'000'000'000));
    }
  }
  return limbs;
}

// How many decimal digits n! has, and their sum: small results for a big computation.
std::pair<std::size_t, std::uint64_t> factorial_digits(int n) {
  const auto limbs = factorial(n);
  std::string text = std::to_string(limbs.back());
  for (std::size_t i = limbs.size() - 1; i-- > 0;) {
    const std::string part = std::to_string(limbs[i]);
    text += std::string(9 - part.size(), '0') + part;
  }
  std::uint64_t sum = 0;
  for (char c : text) sum += static_cast<std::uint64_t>(c - '0');
  return {text.size(), sum};
}
// [end factorial]

int main() {
  // [pool]
  const std::vector<int> numbers{20000, 20001, 20002};
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
//   77338 digits, digit sum 325494
//   77342 digits, digit sum 326070
//   77346 digits, digit sum 325512
//   3 workers (spawned), completed in 1.61 seconds
