// bench/http/run_client.py's braid peer: `braid_http_client HOST PORT REQUESTS CONNECTIONS`
// sends REQUESTS keep-alive GETs over CONNECTIONS pooled connections (one task per connection)
// with client_session, and prints one JSON line: requests, ok, seconds, cpu_seconds.
// `braid_http_client HOST PORT idle CONNECTIONS` opens CONNECTIONS connections, leaves them idle
// in the pool and prints the resident memory they cost (rss_per_connection_bytes).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"

namespace asyncio = braid::asyncio;
namespace http = braid::http;

namespace {

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

asyncio::task<void> worker(http::client_session& s, const std::string& url, long n, long& ok) {
  for (long i = 0; i < n; ++i) {
    http::client_response r = co_await s.get(url);
    std::string body = co_await r.read();
    if (r.status() == 200 && !body.empty()) ++ok;
  }
}

asyncio::task<void> run_load(std::string url, long requests, long conns) {
  http::session_options so;
  so.connector.limit = static_cast<std::size_t>(conns);
  http::client_session session(std::move(so));
  long ok = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = cpu_seconds();
  auto body = [&](asyncio::task_group& g) -> asyncio::task<void> {
    for (long c = 0; c < conns; ++c) {
      g.create_task(worker(session, url, requests / conns + (c < requests % conns ? 1 : 0), ok));
    }
    co_return;
  };
  co_await asyncio::with_task_group(body);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - c0;
  std::printf(
      "{\"requests\": %ld, \"ok\": %ld, \"seconds\": %.6f, \"cpu_seconds\": %.6f, "
      "\"connections_opened\": %llu}\n",
      requests, ok, secs, cpu, static_cast<unsigned long long>(session.stats().opened));
  co_await session.close();
}

asyncio::task<void> one(http::client_session& s, const std::string& url, asyncio::event& go) {
  co_await go.wait();
  http::client_response r = co_await s.get(url);
  co_await r.read();
}

asyncio::task<void> run_idle(std::string url, long conns) {
  http::session_options so;
  so.connector.limit = 0;
  http::client_session session(std::move(so));
  // Warm up the allocator and the session with one connection first.
  {
    http::client_response r = co_await session.get(url);
    co_await r.read();
  }
  const long before = rss_bytes();
  asyncio::event go;
  auto body = [&](asyncio::task_group& g) -> asyncio::task<void> {
    for (long c = 0; c < conns; ++c) g.create_task(one(session, url, go));
    go.set();
    co_return;
  };
  co_await asyncio::with_task_group(body);
  const long after = rss_bytes();
  const auto st = session.stats();
  std::printf(
      "{\"idle_connections\": %zu, \"rss_before\": %ld, \"rss_after\": %ld, "
      "\"rss_per_connection_bytes\": %.0f}\n",
      st.idle, before, after,
      st.idle > 1 ? static_cast<double>(after - before) / static_cast<double>(st.idle - 1) : 0.0);
  co_await session.close();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s HOST PORT REQUESTS|idle CONNECTIONS\n", argv[0]);
    return 2;
  }
  const std::string url = std::string("http://") + argv[1] + ":" + argv[2] + "/";
  const long conns = std::atol(argv[4]);
  if (std::string(argv[3]) == "idle") {
    asyncio::run(run_idle(url, conns));
  } else {
    asyncio::run(run_load(url, std::atol(argv[3]), conns));
  }
  return 0;
}
