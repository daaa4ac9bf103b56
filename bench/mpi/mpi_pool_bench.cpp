// braid::mpi::mpi_pool_executor's benchmarks, one scenario a run (bench/mpi/run.sh runs each
// as its own MPI job beside mpi4py.futures and measures the job's CPU):
//   mpirun -n 3 bench_mpi_pool <startup|tiny|map1|map1000|mib>
//   mpirun -n <workers + 1> bench_mpi_pool cpu <tasks>   (bench/mpi/run_cpu_scaling.sh)
// Prints "<name> <value> <unit> <tasks>" lines.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "braid/mpi/mpi_pool_executor.hpp"
#include "cpu_task.hpp"

namespace mpi = braid::mpi;
using clock_type = std::chrono::steady_clock;

int nothing(int x) {
  return x;
}

std::string echo(std::string s) {
  return s;
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "tiny";
  mpi::mpi_pool_executor pool;
  pool.submit(nothing, 0).result();  // the workers are warm
  if (what == "startup") return 0;
  if (what == "tiny") {
    const int n = 5000;
    for (int i = 0; i < 200; ++i) pool.submit(nothing, i).result();
    const auto start = clock_type::now();
    for (int i = 0; i < n; ++i) pool.submit(nothing, i).result();
    std::printf("tiny_round_trip %.2f us %d\n", seconds_since(start) * 1e6 / n, n);
  } else if (what == "map1" || what == "map1000") {
    const bool big = what == "map1000";
    std::vector<int> inputs(big ? 2'000'000 : 50'000);
    std::iota(inputs.begin(), inputs.end(), 0);
    const auto start = clock_type::now();
    long sum = 0;
    for (int r : pool.map(nothing, inputs, {.chunksize = big ? std::size_t{1000} : 1})) sum += r;
    const double t = seconds_since(start);
    if (sum != static_cast<long>(inputs.size()) * static_cast<long>(inputs.size() - 1) / 2) {
      std::fprintf(stderr, "wrong sum\n");
      return 1;
    }
    std::printf("%s %.0f tasks/s %zu\n", big ? "map_chunksize_1000" : "map_chunksize_1",
                static_cast<double>(inputs.size()) / t, inputs.size());
  } else if (what == "mib") {
    const std::string arg(std::size_t{1} << 20, 'x');
    const int n = 300;
    for (int i = 0; i < 20; ++i) pool.submit(echo, arg).result();
    const auto start = clock_type::now();
    for (int i = 0; i < n; ++i) {
      if (pool.submit(echo, arg).result().size() != arg.size()) return 1;
    }
    std::printf("mib_round_trip %.1f us %d\n", seconds_since(start) * 1e6 / n, n);
  } else if (what == "cpu") {
    // CPU-bound scaling: the same prime-counting tasks as bench_mpi_cpu_process_pool, through
    // map with chunksize 1 over every worker rank, after one task per worker has warmed up.
    const int n = argc > 2 ? std::atoi(argv[2]) : 120;
    const long each = braid_bench::count_primes_below(braid_bench::prime_bound);
    std::vector<int> warm(pool.max_workers());
    for (long r : pool.map(braid_bench::prime_task, warm)) {
      if (r != each) return 1;
    }
    std::vector<int> inputs(static_cast<std::size_t>(n));
    std::iota(inputs.begin(), inputs.end(), 0);
    const auto start = clock_type::now();
    long sum = 0;
    for (long r : pool.map(braid_bench::prime_task, inputs)) sum += r;
    const double t = seconds_since(start);
    if (sum != each * n) {
      std::fprintf(stderr, "wrong sum\n");
      return 1;
    }
    std::printf("cpu_bound_%zu_workers %.4f s %d\n", pool.max_workers(), t, n);
  } else {
    std::fprintf(stderr, "unknown scenario %s\n", what.c_str());
    return 2;
  }
}
