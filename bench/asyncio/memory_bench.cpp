// Memory of N tasks all sleeping, one runtime per process so each starts fresh:
//   bench_asyncio_memory braid N     N braid tasks in co_await asyncio::sleep(1h)
//   bench_asyncio_memory asio N      N Asio awaitables in co_await steady_timer::async_wait (1 h)
// Prints one JSON line: the resident-set growth per task while all sleep (VmRSS after minus
// before), and the peak growth (VmHWM). Used by bench/asyncio/run.sh.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "common.hpp"

#if BRAID_BENCH_HAS_ASIO
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

namespace {

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

long status_kb(const char* field) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(field);
  while (std::getline(f, line)) {
    if (line.compare(0, len, field) == 0) return std::atol(line.c_str() + len);
  }
  return 0;
}

struct sample {
  long rss_before = 0, hwm_before = 0, rss_sleeping = 0, hwm_sleeping = 0;
  void before() {
    rss_before = status_kb("VmRSS:");
    hwm_before = status_kb("VmHWM:");
  }
  void sleeping() {
    rss_sleeping = status_kb("VmRSS:");
    hwm_sleeping = status_kb("VmHWM:");
  }
};

asyncio::task<void> sleeper() {
  co_await asyncio::sleep(1h);
}

asyncio::task<void> braid_main(long n, sample& s) {
  std::vector<asyncio::task_handle<void>> hs;
  hs.reserve(static_cast<std::size_t>(n));
  s.before();
  for (long i = 0; i < n; ++i) hs.push_back(asyncio::create_task(sleeper()));
  co_await asyncio::sleep(0s);  // every task has started and sleeps
  s.sleeping();
  for (auto& h : hs) h.cancel();
}

#if BRAID_BENCH_HAS_ASIO
namespace asio = boost::asio;
long g_sleeping = 0;

asio::awaitable<void> asio_sleeper() {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::hours(1));
  ++g_sleeping;
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void asio_main(long n, sample& s) {
  asio::io_context ctx(1);
  s.before();
  for (long i = 0; i < n; ++i) asio::co_spawn(ctx, asio_sleeper(), asio::detached);
  while (g_sleeping < n) ctx.run_one();
  s.sleeping();
  ctx.stop();
}
#endif

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s braid|asio N\n", argv[0]);
    return 2;
  }
  const std::string runtime = argv[1];
  const long n = std::atol(argv[2]);
  sample s;
  if (runtime == "braid") {
    asyncio::run(braid_main(n, s));  // run()'s defaults, as users get them
#if BRAID_BENCH_HAS_ASIO
  } else if (runtime == "asio") {
    asio_main(n, s);
#endif
  } else {
    std::fprintf(stderr, "unknown or unavailable runtime: %s\n", runtime.c_str());
    return 2;
  }
  std::printf(
      "{\"runtime\": \"%s\", \"scenario\": \"sleeping_task_memory\", \"tasks\": %ld, "
      "\"bytes_per_task\": %.1f, \"peak_bytes_per_task\": %.1f}\n",
      runtime.c_str(), n, (s.rss_sleeping - s.rss_before) * 1024.0 / static_cast<double>(n),
      (s.hwm_sleeping - s.hwm_before) * 1024.0 / static_cast<double>(n));
}
