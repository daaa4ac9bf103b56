// braid::asyncio micro-benchmarks (braid only so far; the Asio/Python/Go peers are still to
// come). Prints one line per measurement.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;
using clk = std::chrono::steady_clock;

static long rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

asyncio::task<int> trivial() { co_return 1; }

asyncio::task<void> create_await(int n) {
  long sum = 0;
  for (int i = 0; i < n; ++i) {
    auto h = asyncio::create_task(trivial());
    sum += co_await h;
  }
  if (sum != n) std::puts("bad sum");
}

asyncio::task<void> yielder(int n) {
  for (int i = 0; i < n; ++i) co_await asyncio::sleep(0s);
}

asyncio::task<void> pinger(asyncio::queue<int>& in, asyncio::queue<int>& out, int n) {
  for (int i = 0; i < n; ++i) {
    co_await out.put(i);
    co_await in.get();
  }
}
asyncio::task<void> ponger(asyncio::queue<int>& in, asyncio::queue<int>& out, int n) {
  for (int i = 0; i < n; ++i) {
    int v = co_await in.get();
    co_await out.put(v);
  }
}
asyncio::task<void> ping_pong(int n) {
  asyncio::queue<int> a, b;
  auto p = asyncio::create_task(pinger(b, a, n));
  auto q = asyncio::create_task(ponger(a, b, n));
  co_await p;
  co_await q;
}

asyncio::task<void> timers(int n) {
  auto& loop = asyncio::event_loop::running();
  std::vector<asyncio::callback_handle> hs;
  hs.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) hs.push_back(loop.call_later(std::chrono::seconds(1 + i % 1000), [] {}));
  for (auto& h : hs) h.cancel();
  co_return;
}

asyncio::task<void> sleeper() { co_await asyncio::sleep(1h); }
asyncio::task<void> many_sleepers(int n, long& bytes) {
  std::vector<asyncio::task_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  const long before = rss_kb();
  for (int i = 0; i < n; ++i) hs.push_back(asyncio::create_task(sleeper()));
  co_await asyncio::sleep(0s);  // every task reaches its sleep
  bytes = (rss_kb() - before) * 1024 / n;
  for (auto& h : hs) h.cancel();
}

template <class F>
double time_ns(F&& f, int n) {
  const auto t0 = clk::now();
  f();
  return std::chrono::duration<double, std::nano>(clk::now() - t0).count() / n;
}

int main() {
  const asyncio::run_options quiet{.slow_callback_duration = std::chrono::nanoseconds(0)};
  const int n = 1'000'000;
  std::printf("create+await trivial task: %.1f ns\n",
              time_ns([&] { asyncio::run(create_await(n), quiet); }, n));
  std::printf("sleep(0) switch (2 tasks): %.1f ns\n", time_ns([&] {
                asyncio::run([](int k) -> asyncio::task<void> {
                  auto a = asyncio::create_task(yielder(k));
                  auto b = asyncio::create_task(yielder(k));
                  co_await a;
                  co_await b;
                }(n / 2), quiet);
              }, n));
  std::printf("queue ping-pong round trip: %.1f ns\n",
              time_ns([&] { asyncio::run(ping_pong(n / 2), quiet); }, n / 2));
  std::printf("schedule+cancel timer: %.1f ns\n", time_ns([&] { asyncio::run(timers(n), quiet); }, n));
  long bytes = 0;
  asyncio::run(many_sleepers(n, bytes), quiet);
  std::printf("bytes per sleeping task: %ld\n", bytes);
}
