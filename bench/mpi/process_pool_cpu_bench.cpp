// The process-pool side of bench/mpi/run_cpu_scaling.sh: the same prime-counting tasks as
// `mpirun -n <workers + 1> bench_mpi_pool cpu <tasks>`, through
// multiprocessing::process_pool_executor's map with chunksize 1 on <workers> processes, after
// one task per worker has started them all. With 0 workers, the tasks run one after another in
// this process (the serial baseline).
//   bench_mpi_cpu_process_pool <workers> <tasks>
// Prints "cpu_bound_<workers>_workers <seconds> s <tasks>" (or cpu_bound_serial).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "braid/multiprocessing/process_pool_executor.hpp"
#include "cpu_task.hpp"

namespace mp = braid::multiprocessing;
using clock_type = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int workers = argc > 1 ? std::atoi(argv[1]) : 2;
  const int n = argc > 2 ? std::atoi(argv[2]) : 120;
  const long each = braid_bench::count_primes_below(braid_bench::prime_bound);
  std::vector<int> inputs(static_cast<std::size_t>(n));
  std::iota(inputs.begin(), inputs.end(), 0);
  long sum = 0;
  double t = 0;
  if (workers == 0) {
    const auto start = clock_type::now();
    for (int i : inputs) sum += braid_bench::prime_task(i);
    t = std::chrono::duration<double>(clock_type::now() - start).count();
  } else {
    mp::process_pool_executor pool(static_cast<std::size_t>(workers));
    // Workers start lazily, one per task that finds none idle: a task per worker starts all.
    std::vector<int> warm(static_cast<std::size_t>(workers));
    for (long r : pool.map(braid_bench::prime_task, warm)) {
      if (r != each) return 1;
    }
    const auto start = clock_type::now();
    for (long r : pool.map(braid_bench::prime_task, inputs)) sum += r;
    t = std::chrono::duration<double>(clock_type::now() - start).count();
  }
  if (sum != each * n) {
    std::fprintf(stderr, "wrong sum\n");
    return 1;
  }
  if (workers == 0) {
    std::printf("cpu_bound_serial %.4f s %d\n", t, n);
  } else {
    std::printf("cpu_bound_%d_workers %.4f s %d\n", workers, t, n);
  }
}
