// braid::asyncio side by side with Boost.Asio awaitables (C++20 coroutines on an io_context).
// Python asyncio/uvloop and Go are measured by python_bench.py and go/main.go; the memory per
// sleeping task by bench_asyncio_memory (one fresh process per runtime); bench/asyncio/run.sh
// runs everything and prints the table with ratios.
//
// Scenarios (each reports the counter ns_per_op: wall-clock time / operations):
//   create_await/<impl>   create a task running a trivial coroutine and await it, N times
//                         (braid: create_task + co_await handle; Asio: co_spawn(use_awaitable)).
//   sleep0_switch/<impl>  two tasks each yield N/2 times (braid: sleep(0s); Asio:
//                         co_await post(use_awaitable)); an op is one switch.
//   queue_ping_pong/<impl> N round trips of an int between two tasks through two queues (braid:
//                         asyncio::queue; Asio 1.74 has no async queue -- channels came in 1.80 --
//                         so a deque plus a steady_timer cancelled to wake the getter).
//   timers/<impl>         schedule N timers 1-1000 s ahead, then cancel them all (braid:
//                         call_later + cancel; Asio: steady_timer::async_wait + cancel, which
//                         also runs each aborted handler).
//
// braid runs every scenario under asyncio::run(main()) with its defaults (SIGINT handling and the
// watchdog on), as users get it.
//
// Extra flag, read before Google Benchmark's own: --n=N operations per run (default 1000000).

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "common.hpp"

#if BRAID_BENCH_HAS_ASIO
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

namespace {

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

long g_n = 1'000'000;

/// Runs `scenario()` (which performs `ops` operations) once per benchmark iteration and reports
/// ns_per_op.
template <class F>
void measure(benchmark::State& state, long ops, F&& scenario) {
  double total_ns = 0;
  for (auto _ : state) {
    const auto t0 = clock_type::now();
    scenario();
    total_ns += std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
  }
  state.counters["ns_per_op"] =
      total_ns / static_cast<double>(state.iterations()) / static_cast<double>(ops);
}

// ------------------------------------------------------------------------------------ braid

asyncio::task<int> trivial() {
  co_return 1;
}

asyncio::task<long> create_await(long n) {
  long sum = 0;
  for (long i = 0; i < n; ++i) {
    auto h = asyncio::create_task(trivial());
    sum += co_await h;
  }
  co_return sum;
}

asyncio::task<void> yielder(long n) {
  for (long i = 0; i < n; ++i) co_await asyncio::sleep(0s);
}

asyncio::task<void> two_yielders(long n) {
  auto a = asyncio::create_task(yielder(n / 2));
  auto b = asyncio::create_task(yielder(n / 2));
  co_await a;
  co_await b;
}

asyncio::task<void> pinger(asyncio::queue<long>& in, asyncio::queue<long>& out, long n) {
  for (long i = 0; i < n; ++i) {
    co_await out.put(i);
    co_await in.get();
  }
}
asyncio::task<void> ponger(asyncio::queue<long>& in, asyncio::queue<long>& out, long n) {
  for (long i = 0; i < n; ++i) {
    long v = co_await in.get();
    co_await out.put(v);
  }
}
asyncio::task<void> ping_pong(long n) {
  asyncio::queue<long> a;
  asyncio::queue<long> b;
  auto p = asyncio::create_task(pinger(b, a, n));
  auto q = asyncio::create_task(ponger(a, b, n));
  co_await p;
  co_await q;
}

asyncio::task<void> timers(long n) {
  auto& loop = asyncio::event_loop::running();
  std::vector<asyncio::callback_handle> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i)
    hs.push_back(loop.call_later(std::chrono::seconds(1 + i % 1000), [] {}));
  for (auto& h : hs) h.cancel();
  co_return;
}

#if BRAID_BENCH_HAS_ASIO
// ------------------------------------------------------------------------------------- Asio
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

awaitable<int> asio_trivial() {
  co_return 1;
}

awaitable<void> asio_create_await(long n, long& sum) {
  auto ex = co_await asio::this_coro::executor;
  for (long i = 0; i < n; ++i) sum += co_await asio::co_spawn(ex, asio_trivial(), use_awaitable);
}

awaitable<void> asio_yielder(long n) {
  auto ex = co_await asio::this_coro::executor;
  for (long i = 0; i < n; ++i) co_await asio::post(ex, use_awaitable);
}

/// The smallest async queue Asio 1.74 allows: items in a deque, a getter parked on a timer that
/// never expires and is cancelled by put(). Single-threaded (one io_context thread).
class asio_queue {
 public:
  explicit asio_queue(asio::io_context& ctx) : timer_(ctx, asio::steady_timer::time_point::max()) {}
  void put(long v) {
    items_.push_back(v);
    timer_.cancel_one();
  }
  awaitable<long> get() {
    while (items_.empty()) {
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    long v = items_.front();
    items_.pop_front();
    co_return v;
  }

 private:
  asio::steady_timer timer_;
  std::deque<long> items_;
};

awaitable<void> asio_pinger(asio_queue& in, asio_queue& out, long n) {
  for (long i = 0; i < n; ++i) {
    out.put(i);
    co_await in.get();
  }
}
awaitable<void> asio_ponger(asio_queue& in, asio_queue& out, long n) {
  for (long i = 0; i < n; ++i) {
    long v = co_await in.get();
    out.put(v);
  }
}
#endif

// --------------------------------------------------------------------------------- scenarios

void create_await_braid(benchmark::State& state) {
  measure(state, g_n, [&state] {
    if (asyncio::run(create_await(g_n)) != g_n) state.SkipWithError("bad sum");
  });
}
void sleep0_switch_braid(benchmark::State& state) {
  measure(state, g_n, [] { asyncio::run(two_yielders(g_n)); });
}
void queue_ping_pong_braid(benchmark::State& state) {
  measure(state, g_n, [] { asyncio::run(ping_pong(g_n)); });
}
void timers_braid(benchmark::State& state) {
  measure(state, g_n, [] { asyncio::run(timers(g_n)); });
}

#if BRAID_BENCH_HAS_ASIO
void create_await_asio(benchmark::State& state) {
  measure(state, g_n, [&state] {
    asio::io_context ctx(1);
    long sum = 0;
    asio::co_spawn(ctx, asio_create_await(g_n, sum), asio::detached);
    ctx.run();
    if (sum != g_n) state.SkipWithError("bad sum");
  });
}
void sleep0_switch_asio(benchmark::State& state) {
  measure(state, g_n, [] {
    asio::io_context ctx(1);
    asio::co_spawn(ctx, asio_yielder(g_n / 2), asio::detached);
    asio::co_spawn(ctx, asio_yielder(g_n / 2), asio::detached);
    ctx.run();
  });
}
void queue_ping_pong_asio(benchmark::State& state) {
  measure(state, g_n, [] {
    asio::io_context ctx(1);
    asio_queue a(ctx);
    asio_queue b(ctx);
    asio::co_spawn(ctx, asio_pinger(b, a, g_n), asio::detached);
    asio::co_spawn(ctx, asio_ponger(a, b, g_n), asio::detached);
    ctx.run();
  });
}
void timers_asio(benchmark::State& state) {
  measure(state, g_n, [] {
    asio::io_context ctx(1);
    std::vector<std::unique_ptr<asio::steady_timer>> ts;
    ts.reserve(static_cast<std::size_t>(g_n));
    for (long i = 0; i < g_n; ++i) {
      ts.push_back(std::make_unique<asio::steady_timer>(ctx, std::chrono::seconds(1 + i % 1000)));
      ts.back()->async_wait([](const boost::system::error_code&) {});
    }
    for (auto& t : ts) t->cancel();
    ctx.run();  // the aborted handlers
  });
}
#endif

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--n=", 4) == 0) {
      g_n = std::atol(argv[i] + 4);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  const auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMillisecond)->MinTime(0.5);
  };
  reg("create_await/braid", &create_await_braid);
#if BRAID_BENCH_HAS_ASIO
  reg("create_await/asio", &create_await_asio);
#endif
  reg("sleep0_switch/braid", &sleep0_switch_braid);
#if BRAID_BENCH_HAS_ASIO
  reg("sleep0_switch/asio", &sleep0_switch_asio);
#endif
  reg("queue_ping_pong/braid", &queue_ping_pong_braid);
#if BRAID_BENCH_HAS_ASIO
  reg("queue_ping_pong/asio", &queue_ping_pong_asio);
#endif
  reg("timers/braid", &timers_braid);
#if BRAID_BENCH_HAS_ASIO
  reg("timers/asio", &timers_asio);
#endif
  benchmark::AddCustomContext("n", std::to_string(g_n));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
