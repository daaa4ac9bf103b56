#pragma once
/// \file
/// braid::multiprocessing::process_pool_executor: Python's concurrent.futures.ProcessPoolExecutor,
/// without its traps: workers start safely from a threaded program, a crashed worker fails only
/// its own task, and recycling never deadlocks.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/detail/deadline.hpp"
#include "braid/futures/future.hpp"
#include "braid/multiprocessing/cpu_count.hpp"
#include "braid/multiprocessing/detail/chunked_map.hpp"
#include "braid/multiprocessing/detail/task.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "braid/multiprocessing/remote_call.hpp"
#include "braid/multiprocessing/start_method.hpp"

namespace braid::multiprocessing {

/// Everything a process pool can be configured with.
struct process_pool_options {
  /// How many worker processes run at once (Python's default: cpu_count()). 0 or negative
  /// (a negative int converts to a size beyond PTRDIFF_MAX) makes the pool's constructor throw
  /// value_error, as Python raises ValueError.
  std::size_t max_workers = cpu_count();
  /// Runs once at the start of every worker. If it throws, the pool is broken.
  remote_call initializer;
  /// A worker exits and is replaced after this many tasks; 0 means never.
  std::size_t max_tasks_per_child = 0;
  start_method method = start_method::spawn;
  /// How many times a task whose worker died is started again on another worker before its
  /// future fails with worker_died. 0: never retried.
  std::size_t max_retries = 0;
  /// How many tasks a worker may hold at once: the one it runs and those sent behind it, so it
  /// starts the next without waiting for the parent (1: one at a time). Tasks behind the
  /// running one are sent only when no more workers may start, and only small ones (at most
  /// 64 KiB in all); never beyond what is left of a worker's max_tasks_per_child budget.
  /// When the backlog is deep (at least 16 queued tasks per worker) and this is at least 2, a
  /// worker that returns a result takes up to 16 times this many small tasks, sent together in
  /// one system call, so a deep backlog costs a few system calls per batch, not per task; a
  /// lone task is still sent at once.
  /// A task sent behind a running one has started: it can no longer be cancelled, and if its
  /// worker dies it fails with worker_died (or is retried) like the running one.
  std::size_t max_in_flight_per_worker = 2;
};

/// Options of process_pool_executor::map() and map_unordered().
struct process_map_options {
  /// How many inputs travel (and run) together in one message. Bigger chunks cost less per item
  /// but balance the load more coarsely.
  std::size_t chunksize = 1;
  /// Most chunks in flight at once; 0 means max_workers() * 64: a backlog deep enough that
  /// small chunks travel to and from workers in batches (see max_in_flight_per_worker).
  std::size_t buffersize = 0;
  /// Total time allowed, counted from the call; reaching an item after it throws timeout_error.
  std::optional<std::chrono::nanoseconds> timeout;
};

/// Runs functions in a pool of worker processes (Python's ProcessPoolExecutor).
///
/// Workers start lazily (one when work arrives and none is idle, up to max_workers) and each runs
/// one task at a time, with up to max_in_flight_per_worker - 1 more already sent to it. A task
/// is a call `fn(args...)` where `fn` is a plain function, a
/// captureless lambda or an empty function object, named in the worker by its place in the
/// binary; arguments and results travel through cereal's binary archives.
///
/// It satisfies futures::executor_like, braid's one executor interface, like the thread pool (it
/// is not a futures::executor, the base of executors that run in-process callables), and its
/// futures are ordinary futures::future<R>: waitable, cancellable while queued, usable with
/// futures::wait/as_completed, awaitable from coroutines, and asyncio::run_in_executor takes it.
///
/// Thread-safe. It may be destroyed from a done-callback of one of its own futures (which runs
/// on the pool's manager thread): the destructor cannot wait there, so the remaining work goes
/// on and the manager thread stops and reaps the workers, then frees the pool's state, on its
/// own.
class process_pool_executor {
 public:
  /// At most `max_workers` worker processes (Python's default when left out: cpu_count()).
  /// Throws value_error if `max_workers` is 0 or negative (beyond PTRDIFF_MAX once converted),
  /// as Python raises ValueError; start_method_error for start_method::fork in a multi-threaded
  /// process; os_error if the pool's descriptors (eventfd, epoll) or its manager thread cannot
  /// be made. Workers start on first use, not here.
  // [constructors]
  explicit process_pool_executor(std::size_t max_workers = cpu_count(),
                                 remote_call initializer = {}, std::size_t max_tasks_per_child = 0,
                                 start_method method = start_method::spawn);
  explicit process_pool_executor(process_pool_options options);
  // [end constructors]
  /// shutdown(wait = true): runs what is queued, then stops and reaps every worker. From a
  /// done-callback of its own futures, returns at once (see the class). Never throws.
  ~process_pool_executor();
  process_pool_executor(const process_pool_executor&) = delete;
  process_pool_executor& operator=(const process_pool_executor&) = delete;

  /// Schedules `fn(args...)` in a worker and returns a future for its result. The arguments are
  /// serialised here, before submit returns.
  ///
  /// The future holds: the result; remote_error if the task threw (type name, message, stack);
  /// worker_died if its worker died while running it (after max_retries restarts);
  /// broken_process_pool if the pool broke; cancelled_error if cancelled while queued;
  /// transfer_error if the call carries more than 64 descriptors (connections), could not be
  /// sent to its worker, or its worker sent something that is not a valid message (the worker
  /// is then killed and replaced, and its tasks fail so, without retries).
  /// Cancellation: cancel() succeeds only while the task waits in the pool's queue; once sent
  /// to a worker (running, or pipelined behind a running task) it cannot be cancelled.
  /// Throws: a type that cannot travel is a compile error; what an argument's serialisation
  /// throws; executor_shutdown_error after shutdown(); broken_process_pool if broken.
  template <class F, class... Args>
  auto submit(F&& fn, Args&&... args) {
    using C = std::decay_t<F>;
    using R = detail::call_result_t<C, std::decay_t<Args>...>;
    auto task = std::make_shared<detail::typed_task<R>>(
        detail::encode_call(static_cast<const C&>(fn), std::forward<Args>(args)...));
    auto result = task->get_future();
    schedule(std::move(task));
    return result;
  }

  /// Applies `fn` to each input in worker processes, yielding results in input order (Python's
  /// map). Inputs travel `chunksize` at a time; lazy: at most `buffersize` chunks are in flight
  /// and inputs are read only as results are consumed. Reaching an item whose chunk failed
  /// rethrows that chunk's error and ends the iteration. Destroying the range cancels chunks
  /// not started. Lvalue inputs must outlive the range. Throws what submit() throws.
  template <class F, class Range>
  auto map(F fn, Range&& inputs, process_map_options options = {}) {
    return detail::flat_map_range<process_pool_executor, F, Range,
                                  futures::detail::ordered_map_range>(
        *this, std::move(fn), std::forward<Range>(inputs), options.chunksize, window(options),
        deadline(options));
  }

  /// As map(), but yields results as their chunks complete.
  template <class F, class Range>
  auto map_unordered(F fn, Range&& inputs, process_map_options options = {}) {
    return detail::flat_map_range<process_pool_executor, F, Range,
                                  futures::detail::unordered_map_range>(
        *this, std::move(fn), std::forward<Range>(inputs), options.chunksize, window(options),
        deadline(options));
  }

  /// Stops accepting work. With `cancel_futures`, cancels queued work that has not started.
  /// With `wait`, returns when all remaining work has finished and every worker is reaped.
  /// Calling it again is harmless. Never throws.
  void shutdown(bool wait = true, bool cancel_futures = false) noexcept;

  /// Shuts down, cancels queued work and stops every worker with SIGTERM (kill_workers: SIGKILL)
  /// at once; tasks that were running fail with worker_died. Returns once all are reaped.
  void terminate_workers() noexcept;
  /// As terminate_workers(), with SIGKILL (Python 3.14's kill_workers()). Never throws.
  void kill_workers() noexcept;

  /// How many tasks can run at once (the max_workers given). Never throws.
  std::size_t max_workers() const noexcept;
  /// How many tasks a worker may hold at once (process_pool_options::max_in_flight_per_worker).
  /// Never throws.
  std::size_t max_in_flight() const noexcept;
  /// Process ids of the live workers (a snapshot). Throws std::bad_alloc only.
  std::vector<int> worker_pids() const;
  /// How many worker processes this pool has started so far. Never throws.
  std::size_t workers_started() const noexcept;

 private:
  template <class Pool>
  friend struct detail::chunk_submitter;

  /// Submits one chunk: a future for the vector of `fn(x)` for each x in `inputs`.
  template <class F, class A>
  auto submit_chunk(const F& fn, const std::vector<A>& inputs) {
    using R = std::vector<detail::call_result_t<F, A>>;
    auto task = std::make_shared<detail::typed_task<R>>(detail::encode_chunk(fn, inputs));
    auto result = task->get_future();
    schedule(std::move(task));
    return result;
  }

  void schedule(std::shared_ptr<detail::task_base> task);
  std::size_t window(const process_map_options& o) const noexcept {
    return o.buffersize != 0 ? o.buffersize : max_workers() * 64;
  }
  static futures::detail::deadline_t deadline(const process_map_options& o) {
    if (!o.timeout) return std::nullopt;
    return braid::detail::deadline_after(*o.timeout);
  }

  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the manager thread
};

}  // namespace braid::multiprocessing
