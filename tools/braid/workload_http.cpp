// The http and mixed workloads: real HTTP/1.1 over loopback to braid's own server, started in
// this process (a background_server with `braid serve`'s endpoints on a free port), so the
// requests cost what requests cost and the "network" latency is the server's /delay/MS.
//
// Each model fetches the way Python programs do: threads and processes with a blocking call
// per request (requests.get: a loop and a connection of its own each time), asyncio with one
// client_session per loop shared by all its tasks (aiohttp.ClientSession).

#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "braid/asyncio/run.hpp"
#include "braid/asyncio/to_thread.hpp"
#include "braid/http/background_server.hpp"
#include "braid/http/client_session.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "serve_app.hpp"
#include "workload.hpp"

namespace braid::tool {
namespace {

constexpr const char* url_variable = "BRAID_COMPARE_HTTP_URL";  // for worker processes
constexpr std::size_t default_http_tasks = 32;
constexpr std::size_t default_mixed_tasks = 16;
constexpr std::uint64_t default_mixed_bound = 250'000;

std::shared_ptr<http::background_server> start_server() {
  auto server = std::make_shared<http::background_server>(
      [](http::application& app) { add_demo_routes(app, ""); });
  ::setenv(url_variable, server->url().c_str(), 1);  // worker processes inherit it
  return server;
}

std::string delay_url(std::uint64_t ms) {
  const char* base = std::getenv(url_variable);
  if (base == nullptr) throw std::runtime_error("http workload: the server is not running");
  return fmt::format("{}/delay/{}", base, ms);
}

struct fetched {
  int status = 0;
  std::size_t size = 0;
};

asyncio::task<fetched> get_with(http::client_session& session, std::string url) {
  http::client_response r = co_await session.get(std::move(url));
  const std::string body = co_await r.read();
  co_return fetched{r.status(), body.size()};
}

asyncio::task<fetched> get_once(std::string url) {
  http::client_session session;
  const fetched f = co_await get_with(session, std::move(url));
  co_await session.close();
  co_return f;
}

/// A blocking GET, as requests.get: its own event loop and session, one connection.
fetched get_blocking(std::string url) {
  const asyncio::run_options options{.handle_sigint = false,
                                     .slow_callback_duration = std::chrono::nanoseconds(0)};
  return asyncio::run(get_once(std::move(url)), options);
}

/// The calling loop's one session, shared by its tasks; close_loop_session ends it.
thread_local std::unique_ptr<http::client_session> loop_session;

asyncio::task<fetched> get_on_loop(std::string url) {
  if (!loop_session) loop_session = std::make_unique<http::client_session>();
  co_return co_await get_with(*loop_session, std::move(url));
}

asyncio::task<void> close_loop_session() {
  std::unique_ptr<http::client_session> session = std::move(loop_session);
  if (session) co_await session->close();
}

std::uint64_t get_remote(std::uint64_t ms, std::uint64_t) {
  return static_cast<std::uint64_t>(get_blocking(delay_url(ms)).status);
}

// mixed: the reply's length is part of the bound, so the computation depends on the body.
std::uint64_t compute(std::uint64_t bound, std::uint64_t body_size) {
  return count_primes_below(bound + body_size);
}

// The remote form carries both numbers in one: the bound above 16 bits, the delay below.
std::uint64_t mixed_remote(std::uint64_t packed, std::uint64_t) {
  const std::uint64_t ms = packed & 0xffff, bound = packed >> 16;
  return compute(bound, get_blocking(delay_url(ms)).size);
}

asyncio::task<std::uint64_t> mixed_on_loop(std::uint64_t ms, std::uint64_t bound) {
  const fetched f = co_await get_on_loop(delay_url(ms));
  co_return compute(bound, f.size);  // on the loop's thread: the other tasks wait meanwhile
}

asyncio::task<std::uint64_t> mixed_offloaded(std::uint64_t ms, std::uint64_t bound,
                                             multiprocessing::process_pool_executor& pool) {
  const fetched f = co_await get_on_loop(delay_url(ms));
  co_return co_await asyncio::run_in_executor(pool, &compute, bound,
                                              static_cast<std::uint64_t>(f.size));
}

asyncio::task<std::uint64_t> status_on_loop(std::uint64_t ms) {
  const fetched f = co_await get_on_loop(delay_url(ms));
  co_return static_cast<std::uint64_t>(f.status);
}

}  // namespace

workload make_http(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_http_tasks;
  const auto ms = static_cast<std::uint64_t>(options.io_latency.count());
  auto server = start_server();
  return {.name = "http",
          .kind = workload_kind::io,
          .description = fmt::format(
              "{} GETs of /delay/{} on braid's HTTP server in this process (loopback, a reply "
              "after {} ms)",
              tasks, ms, ms),
          .tasks = tasks,
          .run_one = [server, ms](std::size_t) { return get_remote(ms, 0); },
          .run_one_async = [server, ms](std::size_t) { return status_on_loop(ms); },
          .run_one_remote = &get_remote,
          .remote_argument = ms,
          .on_loop_end = &close_loop_session};
}

workload make_mixed(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_mixed_tasks;
  const auto ms = static_cast<std::uint64_t>(options.io_latency.count()) & 0xffff;
  const std::uint64_t bound = options.cpu_size != 0 ? options.cpu_size / 4 : default_mixed_bound;
  auto server = start_server();
  return {.name = "mixed",
          .kind = workload_kind::io,
          .description = fmt::format(
              "{} tasks, each GETs /delay/{} on the in-process server, then counts the primes "
              "below {} + the reply's length",
              tasks, ms, bound),
          .tasks = tasks,
          .run_one = [server, ms, bound](std::size_t) { return mixed_remote(bound << 16 | ms, 0); },
          .run_one_async = [server, ms, bound](std::size_t) { return mixed_on_loop(ms, bound); },
          .run_one_remote = &mixed_remote,
          .remote_argument = bound << 16 | ms,
          .run_one_async_offload =
              [server, ms, bound](std::size_t, multiprocessing::process_pool_executor& pool) {
                return mixed_offloaded(ms, bound, pool);
              },
          .on_loop_end = &close_loop_session};
}

}  // namespace braid::tool
