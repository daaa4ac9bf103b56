#include "workload.hpp"

#include "braid/asyncio/sleep.hpp"

#include <fmt/format.h>

#include <thread>

#include "units.hpp"

namespace braid::tool {
namespace {

constexpr std::size_t default_cpu_tasks = 8;
constexpr std::size_t default_io_tasks = 32;
/// About 70 ms of trial division per task on a 2020s x86 core.
constexpr std::uint64_t default_cpu_size = 1'000'000;

bool is_odd_prime(std::uint64_t n) noexcept {
  for (std::uint64_t d = 3; d * d <= n; d += 2) {
    if (n % d == 0) return false;
  }
  return true;
}

workload make_primes(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_cpu_tasks;
  const std::uint64_t bound = options.cpu_size != 0 ? options.cpu_size : default_cpu_size;
  return {.name = "cpu",
          .kind = workload_kind::cpu,
          .description = fmt::format("{} tasks, each counts the primes below {} by trial division",
                                     tasks, with_thousands(bound)),
          .tasks = tasks,
          .run_one = [bound](std::size_t) { return count_primes_below(bound); },
          .run_one_remote = [](std::uint64_t b, std::uint64_t) { return count_primes_below(b); },
          .remote_argument = bound};
}

/// The io task as a plain function, for worker processes: waits `ms` milliseconds, yields 1.
std::uint64_t sleep_ms(std::uint64_t ms, std::uint64_t) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return 1;
}

/// The io task the asyncio way: the coroutine suspends and the loop runs the others meanwhile.
/// A parameter, not a capture, carries the latency: the frame outlives the calling lambda.
asyncio::task<std::uint64_t> wait_async(std::chrono::milliseconds latency) {
  co_await asyncio::sleep(latency);
  co_return 1;
}

workload make_sleep(const workload_options& options) {
  const std::size_t tasks = options.tasks != 0 ? options.tasks : default_io_tasks;
  const auto latency = options.io_latency;
  return {.name = "sleep",
          .kind = workload_kind::io,
          .description =
              fmt::format("{} tasks, each waits {} ms for a simulated reply (sleeps, using no CPU)",
                          tasks, latency.count()),
          .tasks = tasks,
          .run_one = [latency](std::size_t) -> std::uint64_t {
            std::this_thread::sleep_for(latency);
            return 1;
          },
          .run_one_async = [latency](std::size_t) { return wait_async(latency); },
          .run_one_remote = &sleep_ms,
          .remote_argument = static_cast<std::uint64_t>(latency.count())};
}

}  // namespace

std::string_view to_string(workload_kind kind) noexcept {
  return kind == workload_kind::cpu ? "cpu" : "io";
}

const std::vector<workload_entry>& workload_registry() noexcept {
  static const std::vector<workload_entry> entries{
      {"cpu", workload_kind::cpu, "CPU-bound: count primes by trial division", &make_primes},
      {"sleep", workload_kind::io,
       "I/O-bound, simulated: each task sleeps --io-latency ms (no real I/O)", &make_sleep},
      {"factorial", workload_kind::cpu,
       "CPU-bound: big factorials with GMP, the seed guides' math.factorial(100000)",
       &make_factorial},
      {"files", workload_kind::io,
       "I/O-bound on disk: read files of --file-size KiB written to a temporary directory first",
       &make_files},
      {"http", workload_kind::io,
       "I/O-bound, real: GETs of /delay/--io-latency on braid's HTTP server in this process",
       &make_http},
      {"mixed", workload_kind::io,
       "waits, then computes: a GET of /delay/--io-latency, then primes below --cpu-size/4",
       &make_mixed},
  };
  return entries;
}

const workload_entry* find_workload(std::string_view name) noexcept {
  for (const auto& entry : workload_registry()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

std::uint64_t count_primes_below(std::uint64_t bound) noexcept {
  if (bound <= 2) return 0;
  std::uint64_t count = 1;  // 2
  for (std::uint64_t n = 3; n < bound; n += 2) {
    if (is_odd_prime(n)) ++count;
  }
  return count;
}

}  // namespace braid::tool
