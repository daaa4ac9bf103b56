#pragma once
/// \file
/// braid::mpi::mpi_pool_executor: mpi4py.futures' MPIPoolExecutor, the executor interface over
/// the ranks of an MPI job, on one machine or many. Workers are MPI processes running this same
/// binary; a task is a function named by its place in the binary, with arguments and results
/// through cereal, as in multiprocessing::process_pool_executor.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/detail/deadline.hpp"
#include "braid/futures/future.hpp"
#include "braid/mpi/errors.hpp"
#include "braid/multiprocessing/detail/chunked_map.hpp"
#include "braid/multiprocessing/detail/task.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "braid/multiprocessing/remote_call.hpp"

namespace braid::mpi {

/// Where a pool's workers come from.
enum class start_mode {
  /// `world` when this program was launched by mpirun with more than one rank, else `spawn`.
  automatic,
  /// Ranks 1..N-1 of MPI_COMM_WORLD, which became workers before main (mpirun -n N prog).
  /// At most one world pool exists at a time.
  world,
  /// New processes of this binary started with MPI_Comm_spawn, ended by shutdown().
  spawn,
};

/// Everything an MPI pool can be configured with.
struct mpi_pool_options {
  /// How many worker ranks the pool uses. 0: every worker rank (world), or cpu_count()
  /// processes (spawn). A world pool uses the lowest min(max_workers, N-1) worker ranks.
  std::size_t max_workers = 0;
  start_mode start = start_mode::automatic;
  /// Runs once on each worker rank when the pool starts. If it throws, the constructor throws
  /// broken_mpi_pool.
  multiprocessing::remote_call initializer;
  /// How many tasks a worker rank may hold at once: the one it runs and those sent behind it
  /// (which can no longer be cancelled). At least 1.
  std::size_t max_in_flight_per_worker = 2;
  /// Info keys for MPI_Comm_spawn (spawn only), e.g. {"map_by", ":OVERSUBSCRIBE"} to start
  /// more workers than the machine has cores, or {"hostfile", "hosts"}.
  std::vector<std::pair<std::string, std::string>> spawn_info;
  /// The longest an idle waiter sleeps between two looks for a message: MPI has no descriptor
  /// to block on, and its own blocking calls spin on a core. The manager and the workers poll,
  /// spinning briefly and then sleeping for doubling times up to this (mpi4py.futures' backoff
  /// is 1 ms too). Smaller costs idle CPU; larger adds latency after an idle spell.
  std::chrono::microseconds max_poll_interval{1000};
};

/// Options of map() and map_unordered(): chunksize, buffersize, timeout, as for the process
/// pool.
using map_options = multiprocessing::process_map_options;

/// Runs functions on the worker ranks of an MPI job (mpi4py.futures' MPIPoolExecutor).
///
/// Started under `mpirun -n N prog`, rank 0 runs main and ranks 1..N-1 serve tasks from before
/// main, until rank 0 ends; started without mpirun, the pool spawns its workers. A task is a
/// call `fn(args...)` where `fn` is a plain function, a captureless lambda or an empty function
/// object, named on the worker by its place in the binary, which each worker checks is the
/// binary rank 0 runs (on every machine) before it runs anything; arguments and results travel
/// through cereal's binary archives, as for the process pool.
///
/// It satisfies futures::executor_like; its futures are ordinary futures::future<R>.
/// Thread-safe. It may be destroyed from a done-callback of its own futures (which run on the
/// pool's manager thread); the pool then winds down on its own.
class mpi_pool_executor {
 public:
  /// Starts the pool: a world pool greets its worker ranks, a spawn pool starts its workers;
  /// both wait until every worker has checked the binary and run the initializer.
  /// Throws invalid_state_error if start is `world` but the program was not launched with
  /// worker ranks, or if another world pool is alive, or on a worker rank; value_error for a
  /// max_in_flight_per_worker of 0; spawn_error if MPI_Comm_spawn fails; broken_mpi_pool if a
  /// worker runs another binary or its initializer threw (what() names the rank and host);
  /// os_error if the manager thread cannot start.
  explicit mpi_pool_executor(mpi_pool_options options);
  /// mpi_pool_options with `max_workers` (0: every worker rank, or cpu_count() spawned).
  explicit mpi_pool_executor(std::size_t max_workers = 0);
  /// shutdown(wait = true). From a done-callback of its own futures, returns at once. Never
  /// throws.
  ~mpi_pool_executor();
  mpi_pool_executor(const mpi_pool_executor&) = delete;
  mpi_pool_executor& operator=(const mpi_pool_executor&) = delete;

  /// Schedules `fn(args...)` on a worker rank and returns a future for its result. The
  /// arguments are serialised here, before submit returns.
  ///
  /// The future holds: the result; remote_error (with rank and host) if the task threw;
  /// rank_died if its worker rank died holding it (detected only where docs/mpi.md says);
  /// broken_mpi_pool if the pool broke; cancelled_error if cancelled while queued.
  /// Cancellation: cancel() succeeds while the task waits in the pool's queue; once sent to a
  /// rank it cannot be cancelled.
  /// Throws: a type that cannot travel is a compile error; what an argument's serialisation
  /// throws; transfer_error if the call carries a connection (descriptors cannot cross
  /// machines) or is 2 GiB or more; executor_shutdown_error after shutdown(); broken_mpi_pool
  /// if broken.
  template <class F, class... Args>
  auto submit(F&& fn, Args&&... args) {
    using C = std::decay_t<F>;
    using R = multiprocessing::detail::call_result_t<C, std::decay_t<Args>...>;
    auto task = std::make_shared<multiprocessing::detail::typed_task<R>>(
        multiprocessing::detail::encode_call(static_cast<const C&>(fn),
                                             std::forward<Args>(args)...));
    auto result = task->get_future();
    schedule(std::move(task));
    return result;
  }

  /// Applies `fn` to each input on the worker ranks, yielding results in input order (Python's
  /// map). Inputs travel `chunksize` at a time; lazy: at most `buffersize` chunks are in flight
  /// (0: max_workers() * 64) and inputs are read only as results are consumed. Reaching an item
  /// whose chunk failed rethrows that chunk's error and ends the iteration. Destroying the
  /// range cancels chunks not sent yet. Lvalue inputs must outlive the range. Throws what
  /// submit() throws.
  template <class F, class Range>
  auto map(F fn, Range&& inputs, map_options options = {}) {
    return multiprocessing::detail::flat_map_range<mpi_pool_executor, F, Range,
                                                   futures::detail::ordered_map_range>(
        *this, std::move(fn), std::forward<Range>(inputs), options.chunksize, window(options),
        deadline(options));
  }

  /// As map(), but yields results as their chunks complete.
  template <class F, class Range>
  auto map_unordered(F fn, Range&& inputs, map_options options = {}) {
    return multiprocessing::detail::flat_map_range<mpi_pool_executor, F, Range,
                                                   futures::detail::unordered_map_range>(
        *this, std::move(fn), std::forward<Range>(inputs), options.chunksize, window(options),
        deadline(options));
  }

  /// Stops accepting work. With `cancel_futures`, cancels queued work not sent to a rank yet.
  /// With `wait`, returns when all remaining work has finished and the workers are released
  /// (world: back to waiting for the next pool; spawn: ended). Calling it again is harmless.
  /// Never throws.
  void shutdown(bool wait = true, bool cancel_futures = false) noexcept;

  /// How many worker ranks the pool uses. Never throws.
  std::size_t max_workers() const noexcept;
  /// The ranks of the workers in use (world ranks, or ranks among the spawned workers), in
  /// order. Throws std::bad_alloc only.
  std::vector<int> worker_ranks() const;
  /// Whether this pool's workers are world ranks or spawned processes. Never throws.
  start_mode mode() const noexcept;

 private:
  template <class Pool>
  friend struct multiprocessing::detail::chunk_submitter;

  template <class F, class A>
  auto submit_chunk(const F& fn, const std::vector<A>& inputs) {
    using R = std::vector<multiprocessing::detail::call_result_t<F, A>>;
    auto task = std::make_shared<multiprocessing::detail::typed_task<R>>(
        multiprocessing::detail::encode_chunk(fn, inputs));
    auto result = task->get_future();
    schedule(std::move(task));
    return result;
  }

  void schedule(std::shared_ptr<multiprocessing::detail::task_base> task);
  std::size_t window(const map_options& o) const noexcept {
    return o.buffersize != 0 ? o.buffersize : max_workers() * 64;
  }
  static futures::detail::deadline_t deadline(const map_options& o) {
    if (!o.timeout) return std::nullopt;
    return braid::detail::deadline_after(*o.timeout);
  }

  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the manager thread
};

}  // namespace braid::mpi
