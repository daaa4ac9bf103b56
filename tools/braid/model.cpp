#include "model.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <thread>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "braid/threading/thread.hpp"
#include "braid/trace/tracing.hpp"

namespace braid::tool {
namespace {

model_result run_sequential(const workload& work) {
  model_result result{.threads = 1};
  for (std::size_t i = 0; i < work.tasks; ++i) {
    // The library traces the other models' tasks; here the tool marks each task itself.
    const trace::scope traced(trace::category::user, "task");
    result.checksum += work.run_one(i);
  }
  return result;
}

model_result run_thread_per_task(const workload& work) {
  std::vector<std::uint64_t> results(work.tasks);
  std::vector<threading::thread> threads;
  threads.reserve(work.tasks);
  for (std::size_t i = 0; i < work.tasks; ++i) {
    threads.emplace_back([&work, &results, i] { results[i] = work.run_one(i); });
    threads.back().start();
  }
  model_result result{.threads = threads.size()};
  for (auto& t : threads) t.join();
  for (auto r : results) result.checksum += r;
  return result;
}

/// Every task submitted to `pool` at once (`submit_one(i)` submits task i), then every result
/// added up: the one way each executor model runs, whatever the executor.
template <futures::executor_like Executor, class SubmitOne>
std::uint64_t run_on_executor(Executor& pool, std::size_t tasks, SubmitOne submit_one) {
  std::vector<futures::future<std::uint64_t>> pending;
  pending.reserve(tasks);
  for (std::size_t i = 0; i < tasks; ++i) pending.push_back(submit_one(pool, i));
  std::uint64_t checksum = 0;
  for (auto& f : pending) checksum += f.result();
  return checksum;
}

model_result run_thread_pool(const workload& work) {
  futures::thread_pool_executor pool;  // default max_workers: min(32, cores + 4)
  model_result result;
  result.checksum = run_on_executor(pool, work.tasks, [&work](auto& executor, std::size_t i) {
    return executor.submit([&work](std::size_t j) { return work.run_one(j); }, i);
  });
  result.threads = pool.statistics().workers;  // workers start lazily, so this is how many ran
  return result;
}

// --- process_pool: every task in one of cpu_count() worker processes ---------------------------

model_result run_process_pool(const workload& work) {
  if (work.run_one_remote == nullptr) {
    throw std::invalid_argument("workload " + work.name + " has no form that can run in a process");
  }
  multiprocessing::process_pool_executor pool;  // default max_workers: cpu_count()
  model_result result;
  result.checksum = run_on_executor(pool, work.tasks, [&work](auto& executor, std::size_t i) {
    return executor.submit(work.run_one_remote, work.remote_argument, std::uint64_t{i});
  });
  result.threads = pool.max_workers();  // one thread in each worker process
  result.processes = pool.max_workers();
  return result;
}

// --- asyncio: every task a coroutine on one event loop (one thread) ---------------------------

/// The threads of the loop's default executor (to_thread), if the workload's coroutine uses it:
/// at most its max_workers, which with more tasks than that is what ran.
std::size_t to_thread_workers(const workload& work) {
  if (!work.async_uses_threads) return 0;
  return std::min(work.tasks, futures::thread_pool_executor::default_max_workers());
}

/// Any other task: run_one on the loop's thread. It never suspends, so the tasks run one after
/// another -- coroutines give concurrency, not parallelism.
asyncio::task<std::uint64_t> run_on_loop(const workload& work, std::size_t i) {
  co_return work.run_one(i);
}

/// Awaits every task, then the workload's on_loop_end (also when a task failed), and returns the
/// sum of the results or rethrows the first failure.
asyncio::task<std::uint64_t> finish_on_loop(
    const workload& work, std::vector<asyncio::task_handle<std::uint64_t>>& tasks) {
  std::uint64_t sum = 0;
  std::exception_ptr failure;
  for (auto& t : tasks) {
    try {
      sum += co_await t;
    } catch (...) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (work.on_loop_end) co_await work.on_loop_end();
  if (failure) std::rethrow_exception(failure);
  co_return sum;
}

asyncio::task<std::uint64_t> run_all_on_loop(const workload& work) {
  std::vector<asyncio::task_handle<std::uint64_t>> tasks;
  tasks.reserve(work.tasks);
  for (std::size_t i = 0; i < work.tasks; ++i) {
    tasks.push_back(
        asyncio::create_task(work.run_one_async ? work.run_one_async(i) : run_on_loop(work, i)));
  }
  co_return co_await finish_on_loop(work, tasks);
}

model_result run_asyncio(const workload& work) {
  // The watchdog would (rightly) report every CPU-bound step; the table already tells that story.
  const asyncio::run_options options{.handle_sigint = false,
                                     .slow_callback_duration = std::chrono::nanoseconds(0)};
  return {.checksum = asyncio::run(run_all_on_loop(work), options),
          .threads = 1 + to_thread_workers(work)};
}

// --- asyncio_process_pool: the loop waits, the process pool computes ---------------------------

asyncio::task<std::uint64_t> offload_one(const workload& work, std::size_t i,
                                         multiprocessing::process_pool_executor& pool) {
  if (work.run_one_async_offload) co_return co_await work.run_one_async_offload(i, pool);
  if (work.kind == workload_kind::io && work.run_one_async)
    co_return co_await work.run_one_async(i);
  if (work.run_one_remote == nullptr) {
    throw std::invalid_argument("workload " + work.name + " has no form that can run in a process");
  }
  co_return co_await asyncio::run_in_executor(pool, work.run_one_remote, work.remote_argument,
                                              std::uint64_t{i});
}

asyncio::task<std::uint64_t> offload_all(const workload& work,
                                         multiprocessing::process_pool_executor& pool) {
  std::vector<asyncio::task_handle<std::uint64_t>> tasks;
  tasks.reserve(work.tasks);
  for (std::size_t i = 0; i < work.tasks; ++i) {
    tasks.push_back(asyncio::create_task(offload_one(work, i, pool)));
  }
  co_return co_await finish_on_loop(work, tasks);
}

model_result run_asyncio_process_pool(const workload& work) {
  multiprocessing::process_pool_executor pool;
  const asyncio::run_options options{.handle_sigint = false,
                                     .slow_callback_duration = std::chrono::nanoseconds(0)};
  model_result result{.checksum = asyncio::run(offload_all(work, pool), options)};
  // The pool runs only CPU work; waiting work stays on the loop (and its to_thread threads).
  const bool pooled =
      work.run_one_async_offload || work.kind == workload_kind::cpu || !work.run_one_async;
  result.threads = 1 + (pooled ? pool.max_workers() : to_thread_workers(work));
  result.processes = pooled ? pool.max_workers() : 0;
  return result;
}

// --- run_sharded: one event loop per core, the tasks dealt out round-robin -------------------

model_result run_on_shards(const workload& work) {
  const std::size_t shards = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::uint64_t> sums(shards);  // one slot per shard: no sharing, no atomics
  const asyncio::run_options options{.handle_sigint = false,
                                     .slow_callback_duration = std::chrono::nanoseconds(0)};
  asyncio::run_sharded(
      shards,
      [&work, &sums, shards](std::size_t shard) -> asyncio::task<void> {
        std::vector<asyncio::task_handle<std::uint64_t>> tasks;
        for (std::size_t i = shard; i < work.tasks; i += shards) {
          tasks.push_back(asyncio::create_task(work.run_one_async ? work.run_one_async(i)
                                                                  : run_on_loop(work, i)));
        }
        sums[shard] = co_await finish_on_loop(work, tasks);
      },
      options);
  model_result result{.threads = shards + to_thread_workers(work)};
  for (auto s : sums) result.checksum += s;
  return result;
}

}  // namespace

const std::vector<model>& model_registry() noexcept {
  static const std::vector<model> entries{
      {"sequential", "one task after another on the calling thread", &run_sequential},
      {"thread_per_task", "a new braid::threading::thread for every task", &run_thread_per_task},
      {"thread_pool", "braid::futures::thread_pool_executor with its default max_workers",
       &run_thread_pool},
      {"process_pool", "braid::multiprocessing::process_pool_executor, one worker process per core",
       &run_process_pool},
      {"asyncio",
       "braid::asyncio: every task a coroutine on one event loop thread (sleep: co_await sleep; "
       "files: to_thread)",
       &run_asyncio},
      {"asyncio_process_pool",
       "braid::asyncio on one loop, the CPU part sent to a process pool with run_in_executor",
       &run_asyncio_process_pool},
      {"run_sharded",
       "braid::asyncio::run_sharded: one event loop per core, tasks dealt round-robin",
       &run_on_shards},
  };
  return entries;
}

const model* find_model(std::string_view name) noexcept {
  for (const auto& entry : model_registry()) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

}  // namespace braid::tool
