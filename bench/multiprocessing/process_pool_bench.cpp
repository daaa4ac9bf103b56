// braid::multiprocessing::process_pool_executor benchmarks. Prints "name value unit" lines that
// bench/multiprocessing/run.sh puts beside Python's numbers.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;
using clock_type = std::chrono::steady_clock;

namespace {

int tiny(int x) {
  return x + 1;
}
std::string echo(std::string s) {
  return s;
}
long burn(long n) {  // CPU-bound: about n multiply-adds
  unsigned long x = 1;
  for (long i = 0; i < n; ++i) x = x * 6364136223846793005UL + 1442695040888963407UL;
  return static_cast<long>(x >> 33);
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

void tiny_round_trip(int rounds) {
  mp::process_pool_executor pool(1);
  for (int i = 0; i < 2000; ++i) pool.submit(tiny, i).result();
  const auto start = clock_type::now();
  for (int i = 0; i < rounds; ++i) pool.submit(tiny, i).result();
  std::printf("tiny_round_trip %.2f us\n", seconds_since(start) * 1e6 / rounds);
}

void map_throughput(std::size_t chunksize, int n) {
  mp::process_pool_executor pool;
  std::vector<int> inputs(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) inputs[static_cast<std::size_t>(i)] = i;
  for (int r : pool.map(tiny, std::vector<int>(1000, 1), {.chunksize = chunksize})) (void)r;
  const auto start = clock_type::now();
  long sum = 0;
  for (int r : pool.map(tiny, inputs, {.chunksize = chunksize})) sum += r;
  if (sum == 0) std::abort();
  std::printf("map_chunksize_%zu %.0f tasks/s\n", chunksize, n / seconds_since(start));
}

void mib_round_trip(int rounds) {
  mp::process_pool_executor pool(1);
  const std::string mib(1 << 20, 'x');
  pool.submit(echo, mib).result();
  const auto start = clock_type::now();
  for (int i = 0; i < rounds; ++i) {
    if (pool.submit(echo, mib).result().size() != mib.size()) std::abort();
  }
  std::printf("mib_round_trip %.1f us\n", seconds_since(start) * 1e6 / rounds);
}

double cpu_bound_seconds(std::size_t workers, int tasks, long work) {
  mp::process_pool_executor pool(workers);
  for (long r : pool.map(burn, std::vector<long>(workers, 1000))) (void)r;  // start the workers
  const auto start = clock_type::now();
  std::vector<long> inputs(static_cast<std::size_t>(tasks), work);
  long sum = 0;
  for (long r : pool.map(burn, inputs)) sum += r;
  if (sum == 42) std::puts("");
  return seconds_since(start);
}

void cpu_scaling() {
  const std::size_t cores = mp::cpu_count();
  const int tasks = static_cast<int>(4 * cores);
  const long work = 20'000'000;
  const double one = cpu_bound_seconds(1, tasks, work);
  const double all = cpu_bound_seconds(cores, tasks, work);
  std::printf("cpu_bound_1_worker %.3f s\n", one);
  std::printf("cpu_bound_%zu_workers %.3f s\n", cores, all);
  std::printf("cpu_bound_speedup %.2f x\n", one / all);
}

void start_time(mp::start_method method, const char* name, int rounds) {
  double total = 0;
  for (int i = 0; i < rounds; ++i) {
    const auto start = clock_type::now();
    mp::process_pool_executor pool(1, {}, 0, method);
    pool.submit(tiny, 1).result();
    total += seconds_since(start);
  }
  std::printf("start_%s %.2f ms\n", name, total * 1e3 / rounds);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  // The fork server needs a single-threaded process: measure it before any pool exists.
  if (only.empty() || only == "start") start_time(mp::start_method::fork, "fork_server", 20);
  if (only.empty() || only == "start") start_time(mp::start_method::spawn, "spawn", 20);
  if (only.empty() || only == "tiny") tiny_round_trip(20000);
  if (only.empty() || only == "map") map_throughput(1, 50000);
  if (only.empty() || only == "map") map_throughput(1000, 2000000);
  if (only.empty() || only == "mib") mib_round_trip(500);
  if (only.empty() || only == "cpu") cpu_scaling();
}
