// What tracing costs: off (the default), each instrumented site pays one relaxed atomic load;
// on, it records an event. Measured on the cheapest operations braid instruments, so the
// overhead shows as large as it can be:
//   bench_trace --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// BM_*/0 is tracing off, BM_*/1 tracing on.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "braid/asyncio.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/trace/tracing.hpp"

namespace {

std::string trace_file() {
  return (std::filesystem::temp_directory_path() /
          ("braid-trace-bench-" + std::to_string(::getpid()) + ".json"))
      .string();
}

// Starts tracing for /1 runs, stops it (and removes the file) at the end.
struct maybe_tracing {
  explicit maybe_tracing(bool on) : on_(on) {
    if (on_) braid::trace::start(trace_file());
  }
  ~maybe_tracing() {
    if (on_) {
      braid::trace::stop();
      std::filesystem::remove(trace_file());
    }
  }
  bool on_;
};

// The check every instrumented site makes, alone.
void BM_enabled_check(benchmark::State& state) {
  maybe_tracing t(state.range(0) != 0);
  for (auto _ : state) {
    bool e = braid::trace::enabled();
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_enabled_check)->Arg(0);

// The clock each recorded event reads twice.
void BM_now_ns(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(braid::trace::now_ns());
}
BENCHMARK(BM_now_ns);

// Recording one event on the calling thread (tracing on).
void BM_record(benchmark::State& state) {
  maybe_tracing t(true);
  for (auto _ : state) braid::trace::record(braid::trace::category::user, "Task-12", 1, 2);
}
BENCHMARK(BM_record);

braid::asyncio::task<void> yield_n(benchmark::State& state) {
  for (auto _ : state) co_await braid::asyncio::sleep(std::chrono::nanoseconds(0));
}

// One asyncio task step per iteration (a yield to the loop and back).
void BM_asyncio_step(benchmark::State& state) {
  maybe_tracing t(state.range(0) != 0);
  braid::asyncio::run(yield_n(state));
}
BENCHMARK(BM_asyncio_step)->Arg(0)->Arg(1);

// One thread-pool task per iteration, submitted and waited for.
void BM_thread_pool_task(benchmark::State& state) {
  maybe_tracing t(state.range(0) != 0);
  braid::futures::thread_pool_executor pool(1);
  for (auto _ : state) pool.submit([] { return 1; }).result();
}
BENCHMARK(BM_thread_pool_task)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
