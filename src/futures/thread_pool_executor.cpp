// braid::futures::thread_pool_executor (see the header for the design in brief).
//
// Queues: one global FIFO (external submits) and one FIFO per worker (a worker's share of the
// global queue, and tasks submitted from its own tasks). Every queue has its own mutex; the
// atomics beside them are hints that let an idle worker skip empty queues without locking.
//
// Idleness: a worker out of work first spins (if fewer than `max_spinners_` already do), then
// parks on a futex. A producer wakes a parked worker only when nobody is spinning, because a
// spinner will find the work sooner than a woken thread. The lost-wake-up race between a worker
// going to sleep and a producer is closed the usual way: the worker registers as sleeping, then
// re-checks the queues; the producer publishes work, then checks for sleepers; seq_cst fences on
// both sides guarantee that at least one of them sees the other.
//
// Workers: a new one starts whenever more tasks are unfinished than workers exist (up to
// max_workers), so a queued task never waits behind tasks that block. A task counts as finished
// just before its future completes (run_observer), so a caller that submits again right after
// result() finds the worker it just used instead of starting another.
//
// Shutting down: once closed, workers leave only when no task is unfinished anywhere, not merely
// when the queues they can see are empty. A running task may still submit subtasks to its own
// queue and wait for them; the other workers must stay to run them (and may even have to start).
#include "braid/futures/thread_pool_executor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "braid/futures/errors.hpp"
#include "braid/threading/current_thread.hpp"
#include "braid/threading/detail/futex.hpp"
#include "braid/trace/tracing.hpp"
#include "detail/spin.hpp"
#include "thread_pool/spinlock.hpp"
#include "thread_pool/work_list.hpp"

namespace braid::futures {

static_assert(executor_like<thread_pool_executor>);
static_assert(executor_like<executor>);

using detail::work_item;
using detail::work_list;
using threading::detail::futex_word;

namespace {

/// How long an idle worker spins before it parks: long enough to catch the next task of a
/// submit/result loop (measured: 200 ns round trips), short enough that a worker which went idle
/// is soon parked. Measured on the 2-vCPU test machine, a worker that had spun 20-50 us woke
/// from a later futex wake about twice as slowly (29 us vs 15-19 us) as one that spun 5-10 us.
constexpr std::chrono::nanoseconds worker_spin_budget{10'000};

/// Most items a worker moves from the global queue at once.
constexpr std::size_t max_batch = 64;

std::atomic<unsigned> pool_counter{0};

std::size_t checked_max_workers(std::size_t n) {
  if (n == 0 || n > static_cast<std::size_t>(PTRDIFF_MAX)) {
    throw value_error("max_workers must be greater than 0");
  }
  return n;
}

}  // namespace

struct thread_pool_executor::impl {
  struct alignas(64) worker final : detail::run_observer {
    impl* pool = nullptr;
    std::size_t index = 0;
    std::thread thread;
    detail::spinlock mutex;  // guards local
    work_list local;
    std::atomic<std::size_t> local_size{0};  // hint for thieves
    std::atomic<std::uint64_t> completed{0};
    std::atomic<std::uint64_t> stolen{0};
    std::atomic<std::uint64_t> parked{0};
    std::uint64_t unfinished = 0;  // tasks this worker took and has not counted finished yet

    void before_complete() noexcept override { pool->before_complete(*this); }
  };

  impl(std::size_t max, std::string prefix, std::function<void()> init)
      : max_workers(checked_max_workers(max)),
        name_prefix(prefix.empty() ? "thread_pool_executor-" + std::to_string(pool_counter++)
                                   : std::move(prefix)),
        initializer(std::move(init)),
        max_spinners(std::max(1u, std::thread::hardware_concurrency() / 2)),
        workers(new std::atomic<worker*>[max_workers]) {
    for (std::size_t i = 0; i < max_workers; ++i) workers[i].store(nullptr);
  }

  // ---- configuration
  const std::size_t max_workers;
  const std::string name_prefix;
  const std::function<void()> initializer;
  const unsigned max_spinners;

  // ---- the global queue; `closed` and `broken` change under its mutex, so an outside submit
  // either lands before shutdown or throws. A submit from a running task may land after it: it
  // still runs, because workers stay while any task is unfinished.
  detail::spinlock global_mutex;
  work_list global;
  std::atomic<std::size_t> global_size{0};
  std::atomic<bool> closed{false};  // shutdown() was called
  std::atomic<bool> broken{false};  // an initializer threw
  std::string broken_reason;        // guarded by global_mutex

  // ---- workers; started only grows, and only under start_mutex
  std::mutex start_mutex;
  std::mutex join_mutex;  // serialises join_all() callers; never taken by a worker
  std::unique_ptr<std::atomic<worker*>[]> workers;
  std::vector<std::unique_ptr<worker>> owned;  // guarded by start_mutex
  std::atomic<std::size_t> started{0};
  std::atomic<std::size_t> alive{0};

  // ---- idleness
  std::atomic<std::size_t> idle{0};     // workers not running a task
  std::atomic<std::size_t> pending{0};  // tasks submitted and not finished (an upper bound:
                                        // workers subtract a batch at once, see finish())
  std::atomic<unsigned> spinning{0};
  std::atomic<unsigned> sleeping{0};
  std::atomic<bool> waking{false};  // a wake_one() was sent and no worker has begun to park since
  futex_word wake_epoch{0};

  static thread_local worker* current;

  // ---------------------------------------------------------------- submitting

  void schedule(work_item* item) {
    // Counted before it is visible, so a worker never subtracts it first.
    pending.fetch_add(1, std::memory_order_relaxed);
    worker* self = current;
    if (self != nullptr && self->pool == this && !closed.load(std::memory_order_seq_cst) &&
        !broken.load(std::memory_order_seq_cst)) {
      // From one of our own tasks: our own queue, which this worker drains before it can exit.
      std::lock_guard lock(self->mutex);
      self->local.push_back(item);
      self->local_size.store(self->local.size(), std::memory_order_relaxed);
    } else {
      std::lock_guard lock(global_mutex);
      if (broken.load(std::memory_order_relaxed) || closed.load(std::memory_order_relaxed)) {
        finish(1);
        throw_unusable();
      }
      global.push_back(item);
      global_size.store(global.size(), std::memory_order_relaxed);
    }
    work_arrived();
  }

  [[noreturn]] void throw_unusable() const {  // under global_mutex
    if (broken.load(std::memory_order_relaxed)) throw broken_thread_pool(broken_reason);
    throw executor_shutdown_error();
  }

  /// `n` tasks are finished (or will never run). The last one of a closed pool gets the idle
  /// workers up so they can leave.
  void finish(std::size_t n) noexcept {
    if (pending.fetch_sub(n, std::memory_order_seq_cst) == n &&
        (closed.load(std::memory_order_seq_cst) || broken.load(std::memory_order_seq_cst))) {
      wake_all();
    }
  }

  /// True when more tasks are unfinished than workers exist: the rule that starts workers. It
  /// keeps a queued task from waiting behind a task that blocks (batches and spinners never hide
  /// work from it), and it does not depend on what the workers are doing right now.
  bool needs_worker() const noexcept {
    const std::size_t n = started.load(std::memory_order_relaxed);
    return n < max_workers && pending.load(std::memory_order_relaxed) > n;
  }

  /// After publishing work: make sure some worker will look for it, and that there are as many
  /// workers as there is work (up to max_workers). Never throws: the work is already queued.
  void work_arrived() noexcept {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    // One wake at a time: a spinner, or a worker already woken, will find this work sooner
    // than another sleeper would, and each futex wake is a syscall on the submitting thread.
    if (spinning.load(std::memory_order_relaxed) == 0 &&
        sleeping.load(std::memory_order_relaxed) > 0 && !waking.load(std::memory_order_relaxed) &&
        !waking.exchange(true, std::memory_order_acq_rel)) {
      wake_one();
    }
    if (needs_worker()) start_worker();
  }

  void wake_one() {
    wake_epoch.fetch_add(1, std::memory_order_seq_cst);
    threading::detail::futex_wake(wake_epoch, 1);
    detail::woke_a_sleeper = true;  // a result() that follows should park, not spin
  }

  void wake_all() {
    wake_epoch.fetch_add(1, std::memory_order_seq_cst);
    threading::detail::futex_wake_all(wake_epoch);
  }

  void start_worker() noexcept {
    std::string pending_break;
    try {
      std::lock_guard lock(start_mutex);
      start_worker_locked(pending_break);
    } catch (const std::exception& e) {
      // Out of memory for the worker itself: as for a thread that cannot start, queued work
      // runs on the workers that exist, and with none the pool cannot go on.
      if (started.load() == 0) pending_break = std::string("could not start a worker: ") + e.what();
    }
    if (!pending_break.empty()) break_pool(pending_break);
  }

  void start_worker_locked(std::string& pending_break) {
    const std::size_t index = started.load(std::memory_order_relaxed);
    // Re-checked under the lock: another submitter may have started the worker this one wanted.
    // A closed pool still starts workers while tasks are unfinished (see the file comment).
    if (broken.load() || !needs_worker()) return;
    auto w = std::make_unique<worker>();
    w->pool = this;
    w->index = index;
    worker* raw = w.get();
    owned.push_back(std::move(w));
    // Publish the worker before its thread exists. Workers going to sleep re-check the queues of
    // the started workers only; if the new thread could run (and take work into its own queue)
    // before it is counted, a sleeper could miss that queue while the new worker's wake check
    // ran before the sleeper registered, and the work would sit there (a lost wake-up, seen as
    // a hang). The seq_cst store pairs with the fences of park() and work_arrived().
    workers[index].store(raw, std::memory_order_release);
    idle.fetch_add(1, std::memory_order_relaxed);  // it starts out looking for work
    alive.fetch_add(1, std::memory_order_relaxed);
    started.store(index + 1, std::memory_order_seq_cst);
    try {
      raw->thread = std::thread([this, raw] { run_worker(*raw); });
    } catch (const std::exception& e) {
      // Out of threads: the published slot stays, with an empty queue nobody else fills, and
      // queued work runs on the workers that exist. With none at all it could never run, so
      // the pool breaks and every queued future gets the reason.
      idle.fetch_sub(1, std::memory_order_relaxed);
      alive.fetch_sub(1, std::memory_order_relaxed);
      if (index == 0) {
        pending_break = std::string("could not start a worker thread: ") + e.what();
      }
    }
  }

  // ---------------------------------------------------------------- workers

  void run_worker(worker& self) {
    current = &self;
    threading::set_current_thread_name(name_prefix + "_" + std::to_string(self.index));
    if (initializer) {
      try {
        initializer();
      } catch (...) {
        break_pool("a thread initializer failed, the thread pool is not usable anymore: " +
                   describe(std::current_exception()));
        idle.fetch_sub(1, std::memory_order_relaxed);
        alive.fetch_sub(1, std::memory_order_relaxed);
        return;
      }
    }
    for (;;) {
      if (work_item* item = find_work(self)) {
        idle.fetch_sub(1, std::memory_order_relaxed);
        run_until_empty(self, item);
        idle.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      if (may_leave()) break;
      if (spin_for_work()) continue;
      park(self);
    }
    idle.fetch_sub(1, std::memory_order_relaxed);
    alive.fetch_sub(1, std::memory_order_relaxed);
  }

  /// Shut down (or broken) and no task unfinished anywhere: nothing can give this worker work.
  bool may_leave() const noexcept {
    return (closed.load(std::memory_order_seq_cst) || broken.load(std::memory_order_seq_cst)) &&
           pending.load(std::memory_order_seq_cst) == 0;
  }

  /// Runs `item`, then everything in the worker's own queue.
  void run_until_empty(worker& self, work_item* item) {
    std::uint64_t done = 0;
    do {
      ++self.unfinished;
      if (trace::enabled()) {
        const trace::scope traced(trace::category::thread_pool, "task");
        item->run(self);
      } else {
        item->run(self);
      }
      item->release_item();
      ++done;
    } while ((item = pop_local(self)) != nullptr);
    self.completed.fetch_add(done, std::memory_order_relaxed);
    if (self.unfinished > 0) finish(std::exchange(self.unfinished, 0));
  }

  /// A task of `self` ran and its future is about to complete. If it is the last task in the
  /// worker's queue, count what the worker ran as finished now, before anyone waiting for that
  /// future can wake and submit more; otherwise leave it to the end of the batch (one atomic
  /// subtraction per batch, not per task).
  void before_complete(worker& self) noexcept {
    if (self.local_size.load(std::memory_order_relaxed) == 0) {
      finish(std::exchange(self.unfinished, 0));
    }
  }

  work_item* pop_local(worker& self) {
    if (self.local_size.load(std::memory_order_relaxed) == 0) return nullptr;
    std::lock_guard lock(self.mutex);
    work_item* item = self.local.pop_front();
    self.local_size.store(self.local.size(), std::memory_order_relaxed);
    return item;
  }

  work_item* find_work(worker& self) {
    if (work_item* item = pop_local(self)) return item;
    if (work_item* item = take_global(self)) return item;
    return steal(self);
  }

  /// Takes a fair share of the global queue: one item to run, the rest into the local queue.
  work_item* take_global(worker& self) {
    if (global_size.load(std::memory_order_relaxed) == 0) return nullptr;
    work_list batch;
    std::size_t left;
    {
      std::lock_guard lock(global_mutex);
      const std::size_t n = global.size();
      if (n == 0) return nullptr;
      const std::size_t share = n / std::max<std::size_t>(1, started.load()) + 1;
      batch = global.take_front(std::min({n, share, max_batch}));
      left = global.size();
      global_size.store(left, std::memory_order_relaxed);
    }
    work_item* first = batch.pop_front();
    if (!batch.empty()) {
      std::lock_guard lock(self.mutex);
      self.local.splice_back(batch);
      self.local_size.store(self.local.size(), std::memory_order_relaxed);
    }
    if (left > 0 || self.local_size.load(std::memory_order_relaxed) > 0) work_arrived();
    return first;
  }

  /// Takes up to half (at most max_batch) of another worker's queue.
  work_item* steal(worker& self) {
    const std::size_t n = started.load(std::memory_order_acquire);
    for (std::size_t k = 1; k < n; ++k) {
      worker* victim = workers[(self.index + k) % n].load(std::memory_order_acquire);
      if (victim == nullptr || victim->local_size.load(std::memory_order_relaxed) == 0) continue;
      work_list loot;
      {
        std::lock_guard lock(victim->mutex);
        const std::size_t count = std::min((victim->local.size() + 1) / 2, max_batch);
        loot = victim->local.take_front(count);
        victim->local_size.store(victim->local.size(), std::memory_order_relaxed);
      }
      if (loot.empty()) continue;
      self.stolen.fetch_add(loot.size(), std::memory_order_relaxed);
      work_item* first = loot.pop_front();
      if (!loot.empty()) {
        std::lock_guard lock(self.mutex);
        self.local.splice_back(loot);
        self.local_size.store(self.local.size(), std::memory_order_relaxed);
      }
      return first;
    }
    return nullptr;
  }

  /// True if any queue holds work, or the workers may leave (so sleepers must get up).
  bool work_visible() const {
    if (global_size.load(std::memory_order_relaxed) > 0) return true;
    if (may_leave()) return true;
    const std::size_t n = started.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
      worker* w = workers[i].load(std::memory_order_acquire);
      if (w != nullptr && w->local_size.load(std::memory_order_relaxed) > 0) return true;
    }
    return false;
  }

  /// Spins while work may arrive soon. False without spinning if enough workers already spin.
  bool spin_for_work() {
    unsigned now = spinning.load(std::memory_order_relaxed);
    do {
      if (now >= max_spinners) return false;
    } while (!spinning.compare_exchange_weak(now, now + 1, std::memory_order_seq_cst));
    const bool found = detail::spin_until([this] { return work_visible(); }, worker_spin_budget);
    spinning.fetch_sub(1, std::memory_order_seq_cst);
    return found;
  }

  void park(worker& self) {
    // Entering park ends any wake in flight. This is what makes skipping wakes safe: a producer
    // that saw `waking` set and sent no wake published its work before reading the flag, and this
    // worker clears the flag before re-checking the queues, so (seq_cst on both sides) either the
    // producer saw the flag cleared and wakes someone, or this re-check sees its work.
    waking.store(false, std::memory_order_seq_cst);
    const std::uint32_t epoch = wake_epoch.load(std::memory_order_acquire);
    sleeping.fetch_add(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!work_visible()) {
      self.parked.fetch_add(1, std::memory_order_relaxed);
      threading::detail::futex_wait(wake_epoch, epoch);
      // Woken (or spuriously): let the next submit wake another worker if this one is not
      // enough; take_global() also calls work_arrived() when it leaves work behind.
      waking.store(false, std::memory_order_seq_cst);
    }
    sleeping.fetch_sub(1, std::memory_order_seq_cst);
  }

  // ---------------------------------------------------------------- shutting down

  /// Removes every queued item from every queue.
  work_list drain_all() {
    work_list all;
    {
      std::lock_guard lock(global_mutex);
      all.splice_back(global);
      global_size.store(0, std::memory_order_relaxed);
    }
    const std::size_t n = started.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
      worker* w = workers[i].load(std::memory_order_acquire);
      if (w == nullptr) continue;
      std::lock_guard lock(w->mutex);
      all.splice_back(w->local);
      w->local_size.store(0, std::memory_order_relaxed);
    }
    return all;
  }

  void close(bool cancel_futures) {
    {
      std::lock_guard lock(global_mutex);
      closed.store(true, std::memory_order_release);
    }
    if (cancel_futures) {
      work_list queued = drain_all();
      const std::size_t n = queued.size();
      while (work_item* item = queued.pop_front()) {
        item->cancel();
        item->release_item();
      }
      if (n > 0) finish(n);
    }
    wake_all();
  }

  static std::string describe(std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      return e.what();
    } catch (...) {
      return "an exception not derived from std::exception";
    }
  }

  /// Fails every queued item and every later submit with broken_thread_pool(reason).
  void break_pool(const std::string& reason) {
    {
      std::lock_guard lock(global_mutex);
      if (broken.load(std::memory_order_relaxed)) return;
      broken_reason = reason;
      broken.store(true, std::memory_order_release);
    }
    work_list queued = drain_all();
    const std::size_t n = queued.size();
    const auto error = std::make_exception_ptr(broken_thread_pool(reason));
    while (work_item* item = queued.pop_front()) {
      item->abandon(error);
      item->release_item();
    }
    if (n > 0) finish(n);
    wake_all();
  }

  /// Joins every worker, including any a closed pool starts while this runs. Holds start_mutex
  /// only to read the list, never while joining: a worker may need it to start a sibling.
  void join_all() {
    std::lock_guard joining(join_mutex);
    for (std::size_t i = 0;; ++i) {
      std::thread* thread;
      {
        std::lock_guard lock(start_mutex);
        if (i >= owned.size()) return;
        thread = &owned[i]->thread;  // workers are never freed before the pool
      }
      if (thread->joinable()) thread->join();
    }
  }

  thread_pool_statistics statistics() const noexcept {
    thread_pool_statistics s;
    s.max_workers = max_workers;
    s.workers = alive.load(std::memory_order_relaxed);
    s.idle_workers = idle.load(std::memory_order_relaxed);
    s.queued = global_size.load(std::memory_order_relaxed);
    const std::size_t n = started.load(std::memory_order_acquire);
    for (std::size_t i = 0; i < n; ++i) {
      const worker* w = workers[i].load(std::memory_order_acquire);
      if (w == nullptr) continue;
      s.queued += w->local_size.load(std::memory_order_relaxed);
      s.completed += w->completed.load(std::memory_order_relaxed);
      s.stolen += w->stolen.load(std::memory_order_relaxed);
      s.parked += w->parked.load(std::memory_order_relaxed);
    }
    return s;
  }
};

thread_local thread_pool_executor::impl::worker* thread_pool_executor::impl::current = nullptr;

std::size_t thread_pool_executor::default_max_workers() noexcept {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  return std::min<std::size_t>(32, cores + 4);
}

thread_pool_executor::thread_pool_executor(std::size_t max_workers, std::string thread_name_prefix,
                                           std::function<void()> initializer)
    : impl_(std::make_unique<impl>(max_workers, std::move(thread_name_prefix),
                                   std::move(initializer))) {}

thread_pool_executor::~thread_pool_executor() {
  impl_->close(false);
  impl_->join_all();
}

void thread_pool_executor::shutdown(bool wait, bool cancel_futures) {
  if (wait && impl::current != nullptr && impl::current->pool == impl_.get()) {
    throw invalid_state_error(
        "shutdown(wait=true) from one of the pool's own tasks would wait for itself");
  }
  impl_->close(cancel_futures);
  if (wait) impl_->join_all();
}

std::size_t thread_pool_executor::max_workers() const noexcept {
  return impl_->max_workers;
}

thread_pool_statistics thread_pool_executor::statistics() const noexcept {
  return impl_->statistics();
}

void thread_pool_executor::schedule(detail::work_item* item) {
  impl_->schedule(item);
}

}  // namespace braid::futures
