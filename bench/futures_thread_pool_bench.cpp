// braid::futures::thread_pool_executor side by side with oneTBB task_group, Boost.Asio
// thread_pool (with futures) and std::async. Python's ThreadPoolExecutor is measured by
// bench/python/thread_pool_bench.py; bench/run_thread_pool.sh runs both and prints the ratios.
//
// Scenarios (docs/performance.md defines them in full):
//   submit_result/<impl>/<N>    submit N empty tasks, keep the futures, then result() each one.
//   fan_out_fan_in/<impl>/<N>   the main thread submits N tiny tasks (each returns i * 2 + 1),
//                               waits for all of them with futures::wait, then sums the results.
//   fan_out_nested/<impl>/<N>   the same, but the parent is itself a task on the pool.
//   round_trip/<impl>           one submit -> result() at a time, back to back; p50/p99 latency.
//   round_trip_cold/<impl>      the same with a 1 ms pause before each sample, so the pool's
//                               workers have gone to sleep: the latency of waking an idle pool.
//
// Each throughput benchmark reports the counter ns_per_task (wall-clock time / tasks); each
// latency benchmark reports p50_ns, p99_ns and mean_ns over all its samples.
//
// Extra flags, read before Google Benchmark's own:
//   --tasks=N          tasks per iteration for submit_result and fan_out_* (default 1000000)
//   --async_tasks=N    the same for std::async, which starts one thread per task (default 10000)
//   --samples=N        samples per round_trip benchmark (default 20000; cold: a tenth of it)

#include <benchmark/benchmark.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "braid/futures.hpp"

namespace {

namespace futures = braid::futures;
using clock_type = std::chrono::steady_clock;

/// Worker threads every peer gets: one per core of this machine.
std::size_t cores() {
  return std::max(1u, std::thread::hardware_concurrency());
}

/// braid's max_workers for a variant: 0 is braid's own default (Python's min(32, cores + 4)).
std::string braid_name(std::size_t workers) {
  return workers == 0 ? "braid_default" : "braid_" + std::to_string(workers);
}

/// The max_workers to construct braid's pool with for a variant (0: the default).
std::size_t braid_workers(std::size_t workers) {
  return workers == 0 ? futures::thread_pool_executor::default_max_workers() : workers;
}

std::int64_t tiny(std::int64_t i) {
  return i * 2 + 1;
}

/// The sum fan-out must produce: sum of tiny(i) for i < n.
std::int64_t expected_sum(std::int64_t n) {
  return n * n;
}

// ------------------------------------------------------------------------------- measurement

/// Times the body of each iteration with a steady clock and reports ns_per_task.
template <class Body>
void run_throughput(benchmark::State& state, Body body) {
  const auto n = static_cast<std::int64_t>(state.range(0));
  double total_ns = 0;
  for (auto _ : state) {
    const auto start = clock_type::now();
    body(n);
    total_ns += std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
  }
  const auto tasks = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["ns_per_task"] = total_ns / tasks;
}

/// Times one round trip per iteration (manual time) and reports p50/p99/mean over all samples.
/// `pause` runs untimed before each sample.
template <class RoundTrip>
void run_latency(benchmark::State& state, RoundTrip round_trip, std::chrono::microseconds pause) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(state.max_iterations));
  for (int i = 0; i < 100; ++i) round_trip();  // start the workers, warm the caches
  for (auto _ : state) {
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    const auto start = clock_type::now();
    round_trip();
    const double ns = std::chrono::duration<double, std::nano>(clock_type::now() - start).count();
    samples.push_back(ns);
    state.SetIterationTime(ns * 1e-9);
  }
  if (samples.empty()) return;
  double sum = 0;
  for (double s : samples) sum += s;
  std::sort(samples.begin(), samples.end());
  const auto at = [&](double q) {
    return samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p99_ns"] = at(0.99);
  state.counters["mean_ns"] = sum / static_cast<double>(samples.size());
}

// ------------------------------------------------------------------------ (1) submit_result

void submit_result_braid(benchmark::State& state, std::size_t workers) {
  futures::thread_pool_executor pool(braid_workers(workers));
  pool.submit([] {}).result();
  run_throughput(state, [&](std::int64_t n) {
    std::vector<futures::future<void>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) fs.push_back(pool.submit([] {}));
    for (auto& f : fs) f.result();
  });
}

/// oneTBB has no futures: run() N times, then one wait() for all of them.
void submit_result_tbb(benchmark::State& state) {
  tbb::task_arena arena(static_cast<int>(cores()));
  run_throughput(state, [&](std::int64_t n) {
    arena.execute([&] {
      tbb::task_group group;
      for (std::int64_t i = 0; i < n; ++i) group.run([] {});
      group.wait();
    });
  });
}

void submit_result_asio(benchmark::State& state) {
  boost::asio::thread_pool pool(cores());
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::future<void>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      fs.push_back(boost::asio::post(pool, boost::asio::use_future([] {})));
    }
    for (auto& f : fs) f.get();
  });
  pool.join();
}

/// One thread per task: run with a much smaller N (--async_tasks).
void submit_result_std_async(benchmark::State& state) {
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::future<void>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) fs.push_back(std::async(std::launch::async, [] {}));
    for (auto& f : fs) f.get();
  });
}

// ----------------------------------------------------------------------- (2) fan_out_fan_in

/// Submits n tiny tasks to `pool`, waits for all with futures::wait, returns the sum.
std::int64_t braid_fan_out(futures::thread_pool_executor& pool, std::int64_t n) {
  std::vector<futures::future<std::int64_t>> fs;
  fs.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) fs.push_back(pool.submit(tiny, i));
  futures::wait(fs);
  std::int64_t sum = 0;
  for (auto& f : fs) sum += f.result();
  return sum;
}

void check_sum(benchmark::State& state, std::int64_t sum, std::int64_t n) {
  if (sum != expected_sum(n)) state.SkipWithError("fan-out produced a wrong sum");
}

void fan_out_braid(benchmark::State& state, std::size_t workers) {
  futures::thread_pool_executor pool(braid_workers(workers));
  pool.submit([] {}).result();
  run_throughput(state, [&](std::int64_t n) { check_sum(state, braid_fan_out(pool, n), n); });
}

/// The parent is a task on the pool: children go to its worker's own queue, other workers steal.
void fan_out_nested_braid(benchmark::State& state, std::size_t workers) {
  futures::thread_pool_executor pool(braid_workers(workers));
  pool.submit([] {}).result();
  run_throughput(state, [&](std::int64_t n) {
    const std::int64_t sum = pool.submit([&pool, n] { return braid_fan_out(pool, n); }).result();
    check_sum(state, sum, n);
  });
}

/// task_group has no futures: each task writes its result into its own slot.
std::int64_t tbb_fan_out(std::vector<std::int64_t>& results, std::int64_t n) {
  tbb::task_group group;
  for (std::int64_t i = 0; i < n; ++i) {
    group.run([&results, i] { results[static_cast<std::size_t>(i)] = tiny(i); });
  }
  group.wait();
  std::int64_t sum = 0;
  for (std::int64_t r : results) sum += r;
  return sum;
}

void fan_out_tbb(benchmark::State& state) {
  tbb::task_arena arena(static_cast<int>(cores()));
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::int64_t> results(static_cast<std::size_t>(n));
    const std::int64_t sum = arena.execute([&] { return tbb_fan_out(results, n); });
    check_sum(state, sum, n);
  });
}

void fan_out_nested_tbb(benchmark::State& state) {
  tbb::task_arena arena(static_cast<int>(cores()));
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::int64_t> results(static_cast<std::size_t>(n));
    std::int64_t sum = 0;
    arena.execute([&] {
      tbb::task_group outer;
      outer.run([&] { sum = tbb_fan_out(results, n); });
      outer.wait();
    });
    check_sum(state, sum, n);
  });
}

void fan_out_asio(benchmark::State& state) {
  boost::asio::thread_pool pool(cores());
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::future<std::int64_t>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      fs.push_back(boost::asio::post(pool, boost::asio::use_future([i] { return tiny(i); })));
    }
    std::int64_t sum = 0;
    for (auto& f : fs) sum += f.get();
    check_sum(state, sum, n);
  });
  pool.join();
}

void fan_out_std_async(benchmark::State& state) {
  run_throughput(state, [&](std::int64_t n) {
    std::vector<std::future<std::int64_t>> fs;
    fs.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) fs.push_back(std::async(std::launch::async, tiny, i));
    std::int64_t sum = 0;
    for (auto& f : fs) sum += f.get();
    check_sum(state, sum, n);
  });
}

// --------------------------------------------------------------------------- (3) round_trip

void round_trip_braid(benchmark::State& state, std::size_t workers,
                      std::chrono::microseconds pause) {
  futures::thread_pool_executor pool(braid_workers(workers));
  run_latency(
      state, [&] { pool.submit([] {}).result(); }, pause);
}

void round_trip_asio(benchmark::State& state, std::size_t threads,
                     std::chrono::microseconds pause) {
  boost::asio::thread_pool pool(threads);
  run_latency(
      state, [&] { boost::asio::post(pool, boost::asio::use_future([] {})).get(); }, pause);
  pool.join();
}

void round_trip_std_async(benchmark::State& state, std::chrono::microseconds pause) {
  run_latency(
      state, [] { std::async(std::launch::async, [] {}).get(); }, pause);
}

// ------------------------------------------------------------------------------ registration

struct options {
  std::int64_t tasks = 1'000'000;
  std::int64_t async_tasks = 10'000;
  std::int64_t samples = 20'000;
};

/// Reads and removes our own --name=value flags from argv.
options parse_options(int& argc, char** argv) {
  options o;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const auto take = [&](const char* prefix, std::int64_t& into) {
      const std::size_t len = std::strlen(prefix);
      if (std::strncmp(argv[i], prefix, len) != 0) return false;
      into = std::atoll(argv[i] + len);
      return true;
    };
    if (take("--tasks=", o.tasks) || take("--async_tasks=", o.async_tasks) ||
        take("--samples=", o.samples)) {
      continue;
    }
    argv[out++] = argv[i];
  }
  argc = out;
  return o;
}

/// Throughput runs: a fixed number of iterations keeps the whole run predictable.
constexpr benchmark::IterationCount throughput_iterations = 3;

void configure_throughput(benchmark::internal::Benchmark* b, std::int64_t n) {
  b->Arg(n)->Iterations(throughput_iterations)->UseRealTime()->Unit(benchmark::kMillisecond);
}

void configure_latency(benchmark::internal::Benchmark* b, std::int64_t samples) {
  b->Iterations(std::max<std::int64_t>(1, samples))->UseManualTime()->Unit(benchmark::kMicrosecond);
}

void register_all(const options& o) {
  const std::size_t braid_workers[] = {cores(), 0};
  using std::chrono::microseconds;
  const microseconds hot{0};
  const microseconds cold{1000};
  const std::int64_t cold_samples = o.samples / 10;

  // (1)
  for (std::size_t w : {std::size_t{1}, cores(), std::size_t{0}}) {
    configure_throughput(benchmark::RegisterBenchmark(("submit_result/" + braid_name(w)).c_str(),
                                                      submit_result_braid, w),
                         o.tasks);
  }
  configure_throughput(benchmark::RegisterBenchmark("submit_result/tbb", submit_result_tbb),
                       o.tasks);
  configure_throughput(benchmark::RegisterBenchmark("submit_result/asio", submit_result_asio),
                       o.tasks);
  configure_throughput(
      benchmark::RegisterBenchmark("submit_result/std_async", submit_result_std_async),
      o.async_tasks);

  // (2)
  for (std::size_t w : braid_workers) {
    configure_throughput(
        benchmark::RegisterBenchmark(("fan_out_fan_in/" + braid_name(w)).c_str(), fan_out_braid, w),
        o.tasks);
  }
  configure_throughput(benchmark::RegisterBenchmark("fan_out_fan_in/tbb", fan_out_tbb), o.tasks);
  configure_throughput(benchmark::RegisterBenchmark("fan_out_fan_in/asio", fan_out_asio), o.tasks);
  configure_throughput(benchmark::RegisterBenchmark("fan_out_fan_in/std_async", fan_out_std_async),
                       o.async_tasks);
  for (std::size_t w : braid_workers) {
    configure_throughput(benchmark::RegisterBenchmark(("fan_out_nested/" + braid_name(w)).c_str(),
                                                      fan_out_nested_braid, w),
                         o.tasks);
  }
  configure_throughput(benchmark::RegisterBenchmark("fan_out_nested/tbb", fan_out_nested_tbb),
                       o.tasks);

  // (3)
  struct variant {
    const char* scenario;
    microseconds pause;
    std::int64_t samples;
  };
  for (const variant& v :
       {variant{"round_trip/", hot, o.samples}, variant{"round_trip_cold/", cold, cold_samples}}) {
    const std::string prefix = v.scenario;
    for (std::size_t w : {std::size_t{1}, cores(), std::size_t{0}}) {
      configure_latency(benchmark::RegisterBenchmark((prefix + braid_name(w)).c_str(),
                                                     round_trip_braid, w, v.pause),
                        v.samples);
    }
    configure_latency(benchmark::RegisterBenchmark((prefix + "asio_1").c_str(), round_trip_asio,
                                                   std::size_t{1}, v.pause),
                      v.samples);
    configure_latency(
        benchmark::RegisterBenchmark((prefix + "asio_" + std::to_string(cores())).c_str(),
                                     round_trip_asio, cores(), v.pause),
        v.samples);
    configure_latency(
        benchmark::RegisterBenchmark((prefix + "std_async").c_str(), round_trip_std_async, v.pause),
        v.samples);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const options o = parse_options(argc, argv);
  register_all(o);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("cores", std::to_string(cores()));
  benchmark::AddCustomContext("braid_default_max_workers",
                              std::to_string(futures::thread_pool_executor::default_max_workers()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
