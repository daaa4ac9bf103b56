#pragma once
/// \file
/// Workloads for `braid compare`: the same task run a number of times, either CPU-bound or
/// I/O-bound. Each workload is one entry of workload_registry(); a new workload (real HTTP, say)
/// is one more entry there and nothing else.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "braid/asyncio/task.hpp"

namespace braid::multiprocessing {
class process_pool_executor;
}

namespace braid::tool {

/// What a workload's tasks spend their time on.
enum class workload_kind { cpu, io };

/// "cpu" or "io". Never throws.
std::string_view to_string(workload_kind kind) noexcept;

/// The command line's workload settings; each workload reads the fields that apply to it.
struct workload_options {
  std::size_t tasks = 0;  ///< 0: the workload's own default
  std::chrono::milliseconds io_latency{50};
  std::uint64_t cpu_size = 0;       ///< 0: the CPU workload's default
  std::uint64_t factorial_n = 0;    ///< 0: 100000, the seed guides' math.factorial(100000)
  std::uint64_t file_size_kib = 0;  ///< 0: 2048 KiB per file of the files workload
};

/// A workload made concrete: `tasks` independent tasks. run_one(i) runs task i and returns a
/// number; every model must add these up to the same checksum. run_one is thread-safe: models
/// call it from many threads at once.
struct workload {
  std::string name;
  workload_kind kind = workload_kind::cpu;
  std::string description;  ///< for people: "8 tasks, each counts the primes below 300,000 ..."
  std::size_t tasks = 0;
  std::function<std::uint64_t(std::size_t task_index)> run_one;
  /// The same task written as a coroutine, for the asyncio model: it suspends where run_one
  /// blocks. Empty for work that never waits (CPU-bound): asyncio then calls run_one on the
  /// loop's thread, so the tasks run one after another.
  std::function<asyncio::task<std::uint64_t>(std::size_t task_index)> run_one_async;
  /// run_one_async hands blocking work to threads (to_thread): the asyncio models then count
  /// the loop's default executor's threads too.
  bool async_uses_threads = false;
  /// The same task as a plain function of one number, for models that run it in another process:
  /// a worker process must be able to name the function (a std::function cannot travel).
  /// Task i runs run_one_remote(remote_argument, i).
  std::uint64_t (*run_one_remote)(std::uint64_t argument, std::uint64_t task_index) = nullptr;
  std::uint64_t remote_argument = 0;
  /// For work that waits and then computes (mixed): the coroutine that waits on the loop and
  /// sends the computing part to `pool` (run_in_executor). Empty: the asyncio_process_pool model
  /// sends run_one_remote to the pool (cpu work) or awaits run_one_async (io work).
  std::function<asyncio::task<std::uint64_t>(std::size_t task_index,
                                             multiprocessing::process_pool_executor& pool)>
      run_one_async_offload;
  /// Awaited by the asyncio models at the end of each loop's work, before the loop closes, on
  /// success and failure alike (the http workloads close the loop's client_session here).
  std::function<asyncio::task<void>()> on_loop_end;
};

/// One entry of the registry: how to build a workload from the command line's settings.
struct workload_entry {
  std::string_view name;
  workload_kind kind;
  std::string_view help;
  workload (*make)(const workload_options& options);
};

/// Every workload, in the order reports list them. Never throws.
const std::vector<workload_entry>& workload_registry() noexcept;

/// The entry called `name`, or nullptr. Never throws.
const workload_entry* find_workload(std::string_view name) noexcept;

/// How many primes are below `bound`, by trial division (deliberately slow). Never throws.
std::uint64_t count_primes_below(std::uint64_t bound) noexcept;

/// The workloads defined in their own files.
workload make_factorial(const workload_options& options);
workload make_files(const workload_options& options);
workload make_http(const workload_options& options);   // workload_http.cpp
workload make_mixed(const workload_options& options);  // workload_http.cpp

}  // namespace braid::tool
