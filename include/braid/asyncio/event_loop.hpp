#pragma once
/// \file
/// braid::asyncio::event_loop: one per thread (Python's asyncio event loop). It runs tasks and
/// callbacks from a FIFO ready queue, fires timers from a 4-ary heap, waits for file descriptors
/// through an I/O backend (epoll on Linux), and accepts work from other threads through
/// call_soon_threadsafe.
///
/// Most programs never touch a loop directly: asyncio::run() makes one. Everything here is
/// loop-thread only unless it says thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/detail/callback.hpp"
#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/detail/timer_heap.hpp"

namespace braid::futures {
class executor;
}

namespace braid::asyncio {

template <class T>
class task;
template <class T>
class task_handle;

/// A scheduled callback (Python's Handle / TimerHandle). Cancelling it before it runs stops it
/// from running. Copyable; an empty handle (default-constructed) ignores cancel().
class callback_handle {
 public:
  /// An empty handle. Never throws.
  callback_handle() noexcept = default;
  /// Adopts one reference to `cb` (call_soon and the others use it). Never throws.
  explicit callback_handle(detail::callback_base* cb) noexcept : cb_(cb) {}
  callback_handle(const callback_handle& o) noexcept : cb_(o.cb_) {
    if (cb_) cb_->retain();
  }
  callback_handle(callback_handle&& o) noexcept : cb_(std::exchange(o.cb_, nullptr)) {}
  callback_handle& operator=(callback_handle o) noexcept {
    std::swap(cb_, o.cb_);
    return *this;
  }
  ~callback_handle() {
    if (cb_) cb_->release();
  }

  /// Stops the callback from running if it has not run yet. Thread-safe for handles returned by
  /// call_soon_threadsafe (and harmless from any thread for the others, whose timer is then
  /// removed lazily); never throws.
  void cancel() noexcept {
    if (cb_) cb_->cancel();
  }
  /// Whether cancel() was called (Python's Handle.cancelled()). Never throws; thread-safe.
  bool cancelled() const noexcept { return cb_ && cb_->cancelled(); }
  /// When a call_later/call_at callback is due (Python's TimerHandle.when()); the epoch for an
  /// empty handle. Never throws.
  time_point when() const noexcept { return cb_ ? cb_->deadline : time_point{}; }

 private:
  detail::callback_base* cb_ = nullptr;
};

/// Which kernel interface a loop performs its I/O with.
enum class io_backend_kind {
  /// The environment variable BRAID_ASYNCIO_BACKEND (`epoll` or `io_uring`) if set, else the
  /// default: the faster of the two as measured on braid's benchmarks (docs/performance.md).
  automatic,
  /// Readiness: each operation is a non-blocking system call once epoll says it can proceed.
  epoll,
  /// Completion: operations go to the kernel through io_uring, submitted in one batch per loop
  /// iteration. Falls back to epoll where the kernel refuses io_uring (too old, disabled by
  /// /proc/sys/kernel/io_uring_disabled or a seccomp policy); the loop says why.
  io_uring,
};

/// The name of a backend ("automatic", "epoll", "io_uring"). Never throws.
const char* to_string(io_backend_kind kind) noexcept;

/// Options of an event_loop (and of run(), which passes them on).
struct loop_options {
  io_backend_kind backend = io_backend_kind::automatic;
};

/// Counters of one loop, for monitoring and tests (Python has no equivalent; tokio's
/// RuntimeMetrics).
struct loop_statistics {
  std::uint64_t iterations = 0;  ///< times the loop ran one iteration
  /// Times an iteration asked the OS for I/O events. An iteration with work ready and no file
  /// descriptor watched skips the system call (run()'s SIGINT handling watches none).
  std::uint64_t polls = 0;
  std::uint64_t task_steps = 0;     ///< times a task was resumed
  std::uint64_t callbacks_run = 0;  ///< call_soon/call_later/... callbacks run
  std::uint64_t tasks_created = 0;
  std::size_t tasks_alive = 0;       ///< created and not finished
  std::size_t ready = 0;             ///< tasks and callbacks in the ready queue now
  std::size_t timers = 0;            ///< armed timers (sleeps, timeouts, call_later)
  std::size_t io_waits = 0;          ///< I/O operations in flight (waits, reads, writes, ...)
  std::size_t external_pending = 0;  ///< waits on other threads (futures, to_thread)
  std::uint64_t slow_steps = 0;      ///< steps the watchdog reported
};

/// What the watchdog reports about a step that blocked the loop.
struct slow_step_info {
  std::string what;                   ///< "task 'name'" or "callback"
  std::chrono::nanoseconds duration;  ///< how long the step ran
  std::string created_at;             ///< "file:line (function)" in debug mode, else empty

  /// The warning the default watchdog prints to stderr: "braid: warning: task 'x' blocked the
  /// event loop for 120 ms" plus "; created at file:line (function)" in debug mode. Throws
  /// std::bad_alloc. Thread-safe (reads only this object).
  std::string message() const;
};

namespace detail {
struct loop_impl;
struct loop_access;
struct remote_queue;
extern thread_local event_loop* current_loop;

/// Queues `r` on the loop owning `q` unless it is closed or destroyed; false then (and `r` is
/// untouched). Thread-safe; never throws.
bool post_if_open(remote_queue& q, runnable& r) noexcept;

/// A way to post to a loop from other threads that stays safe after the loop closed or was
/// destroyed (posts then fail). For braid's cross-thread helpers (run_coroutine_threadsafe);
/// made by event_loop::poster(). Copyable; thread-safe.
class loop_poster {
 public:
  loop_poster() noexcept = default;
  loop_poster(std::shared_ptr<remote_queue> q, event_loop& loop) noexcept
      : queue_(std::move(q)), loop_(&loop) {}
  /// Runs `fn()` on the loop's thread soon if the loop is still open. Returns false, and
  /// destroys `fn` unrun, if it was closed or destroyed. Throws std::bad_alloc (nothing posted).
  template <class F>
  bool post(F&& fn) const {
    if (!queue_) return false;
    // The loop is only dereferenced by the callback once it runs there, which needs the loop.
    auto* cb = new callback<std::decay_t<F>>(*loop_, std::forward<F>(fn));
    if (post_if_open(*queue_, *cb)) return true;
    cb->release();
    return false;
  }

 private:
  std::shared_ptr<remote_queue> queue_;
  event_loop* loop_ = nullptr;
};
}  // namespace detail

class event_loop {
 public:
  /// A loop on the real steady clock (Python's new_event_loop()). Throws event_loop_error if the
  /// OS refuses the backend's descriptors (epoll, eventfd); std::bad_alloc.
  event_loop();
  /// A loop with the given options (its I/O backend). Throws as event_loop(), and
  /// event_loop_error if BRAID_ASYNCIO_BACKEND names no backend.
  explicit event_loop(loop_options options);
  /// A loop reading time from `clock`, which must outlive it (a virtual_clock for tests). Throws
  /// as event_loop().
  explicit event_loop(asyncio::clock& clock, loop_options options = {});
  /// Closes the loop (see close()) unless it is running; what close() throws goes to
  /// braid::threading's excepthook. Never throws.
  ~event_loop();
  event_loop(const event_loop&) = delete;
  event_loop& operator=(const event_loop&) = delete;

  /// The loop running on the calling thread, or null (Python's get_running_loop, without the
  /// throw). Thread-safe.
  static event_loop* current() noexcept { return detail::current_loop; }
  /// The running loop (Python's get_running_loop()); throws event_loop_error if none runs on
  /// this thread. Thread-safe.
  static event_loop& running();

  /// The loop's current time (Python's loop.time()). Never throws.
  time_point time() const noexcept { return clock_->now(); }
  /// The clock the loop reads. Never throws.
  asyncio::clock& clock() const noexcept { return *clock_; }

  /// Runs `fn()` on the next iteration, after what is already ready (Python's call_soon).
  /// Exceptions thrown by `fn` go to braid::threading's excepthook ("event loop callback").
  /// Throws event_loop_error if the loop is closed (as Python's RuntimeError; nothing is
  /// scheduled and `fn` is neither copied nor moved), std::bad_alloc, what copying or moving
  /// `fn` throws. Loop-thread only.
  template <class F>
  callback_handle call_soon(F&& fn) {
    throw_if_closed();
    auto* cb = make_callback(std::forward<F>(fn));
    cb->retain();
    push_ready(*cb);
    return callback_handle(cb);
  }
  /// Runs `fn()` once `delay` has passed on the loop's clock (Python's call_later). `delay` may
  /// be any duration type; it is clamped, so seconds::max() means practically never. As
  /// call_soon otherwise.
  template <class Rep, class Period, class F>
  callback_handle call_later(std::chrono::duration<Rep, Period> delay, F&& fn) {
    return call_at(detail::add_delay(time(), delay), std::forward<F>(fn));
  }
  /// Runs `fn()` at `when` on the loop's clock (Python's call_at). As call_soon otherwise
  /// (event_loop_error on a closed loop); if adding the timer throws std::bad_alloc, nothing is
  /// scheduled and the callback is freed.
  template <class F>
  callback_handle call_at(time_point when, F&& fn) {
    throw_if_closed();
    auto* cb = make_callback(std::forward<F>(fn));
    cb->deadline = when;
    callback_handle handle(cb);  // frees the callback if add_timer throws
    add_timer(*cb);
    cb->retain();  // the heap's reference, taken only once the heap holds it
    return handle;
  }
  /// Runs `fn()` on the loop's thread soon; wakes the loop if it waits (Python's
  /// call_soon_threadsafe). Thread-safe (the loop must not be destroyed before the call starts;
  /// it may be as soon as `fn` ran). Throws std::bad_alloc, or event_loop_error if the loop is
  /// closed (`fn` is then destroyed unrun). A callback posted before close() is dropped unrun by
  /// close(), never lost in between.
  template <class F>
  callback_handle call_soon_threadsafe(F&& fn) {
    auto* cb = make_callback(std::forward<F>(fn));
    cb->retain();
    post_threadsafe_checked(*cb);
    return callback_handle(cb);
  }

  /// Schedules `t` as a concurrent task on this loop (Python's loop.create_task). Defined in
  /// task_handle.hpp. `name` defaults to "Task-<n>". Loop-thread only (the loop need not run).
  /// Throws event_loop_error if the loop is closed, invalid_state_error if `t` is empty,
  /// std::bad_alloc; on any throw nothing was scheduled and `t`'s frame is destroyed unrun
  /// (strong guarantee for the loop). Cancelling the returned task before its first step means
  /// its body never runs.
  template <class T>
  [[nodiscard]] task_handle<T> create_task(task<T> t, std::string name = {},
                                           const char* file = __builtin_FILE(),
                                           unsigned line = __builtin_LINE(),
                                           const char* function = __builtin_FUNCTION());

  /// Runs the loop until `t` finishes and returns its value or rethrows its error (Python's
  /// run_until_complete). Defined in run.hpp. Throws event_loop_error if a loop already runs on
  /// this thread or this one is closed.
  template <class T>
  T run_until_complete(task<T> t);

  /// Runs until stop() is called (Python's run_forever). Throws event_loop_error if a loop
  /// already runs on this thread or this one is closed. Loop-thread only (it makes the calling
  /// thread the loop's).
  void run_forever();
  /// Makes run_forever() return after the current iteration. Thread-safe: the loop may be
  /// destroyed as soon as run_forever() returned, even while this call is still returning.
  void stop() noexcept;
  /// Whether run_forever() or run_until_complete() is running it (Python's is_running()).
  /// Never throws.
  bool is_running() const noexcept { return running_loop_; }
  /// Whether close() finished (Python's is_closed()). Never throws.
  bool is_closed() const noexcept { return closed_; }
  /// Cancels every remaining task and runs the loop until they finished, then drops callbacks
  /// not run yet, shuts the default executor down (waiting for its threads) and releases the
  /// backend (Python's close(), plus the cleanup of asyncio.run). Harmless if already closed.
  /// Throws event_loop_error if this loop is running (or, with tasks left, another loop runs on
  /// this thread).
  void close();
  /// Cancels every task still alive and runs until all have finished (what run() does at exit).
  /// Tasks that catch the cancellation and go on are waited for. Throws event_loop_error if tasks
  /// remain and a loop already runs on this thread, or this one is closed.
  void cancel_all_tasks();

  /// Runs `callback()` on this loop's thread each time signal `signo` arrives (Python's
  /// loop.add_signal_handler); replaces this loop's earlier handler of `signo`. The signal is
  /// blocked in the calling thread (the loop's: call it there, before or while the loop runs) and
  /// read from a signalfd the loop watches, so the callback runs as an ordinary loop callback,
  /// never inside a signal handler. A signal that another thread receives (a process-directed
  /// kill(), or one sent to that thread) is forwarded to the loop's thread, so it arrives
  /// whatever the other threads block. Several deliveries before the loop reads them may
  /// coalesce into one (standard signals are not queued). What the callback throws goes to
  /// braid::threading's excepthook ("signal handler"). While installed for SIGINT it replaces
  /// run()'s SIGINT handling (no interrupted_error); removing it restores that.
  /// Threads: a signal number is handled by one loop of the process at a time. Threads the loop
  /// thread creates while the signal is blocked inherit the block: a signal sent to the process
  /// still reaches the loop, but one sent to such a thread itself (pthread_kill, raise() there)
  /// waits in that thread until it unblocks the signal. Children started by
  /// create_subprocess_exec get an empty mask.
  /// Throws value_error for an invalid signal number, SIGKILL, SIGSTOP, a fault signal (SIGSEGV,
  /// SIGBUS, SIGFPE, SIGILL, SIGTRAP), one the C library reserves, or an empty callback;
  /// invalid_state_error if another loop handles `signo`, or if called on another thread than
  /// this loop's earlier handlers (or while another loop runs on this thread); event_loop_error
  /// if the loop is closed; os_error if the OS refuses (signalfd, sigaction); std::bad_alloc.
  /// On a throw nothing changed. Loop-thread only.
  void add_signal_handler(int signo, std::function<void()> callback);
  /// Removes this loop's handler of `signo` (Python's remove_signal_handler): the previous
  /// disposition is restored, the loop thread's mask is as before add_signal_handler, and
  /// instances of the signal still pending for the loop are discarded. Returns false if there
  /// was none. close() removes every handler. Throws value_error for an invalid signal number.
  /// Loop-thread only.
  bool remove_signal_handler(int signo);

  /// A snapshot of the loop's counters. Never throws.
  loop_statistics statistics() const noexcept;
  /// The backend this loop performs I/O with (never `automatic`). Never throws; thread-safe.
  io_backend_kind backend() const noexcept;
  /// Why io_uring was asked for and epoll is used instead; empty otherwise. Never throws.
  const std::string& backend_fallback_reason() const noexcept;

  /// Debug mode records where each task was created (Python's loop.set_debug). Never throws.
  void set_debug(bool on) noexcept { debug_ = on; }
  /// Python's loop.get_debug(). Never throws.
  bool get_debug() const noexcept { return debug_; }
  /// The watchdog threshold: a task step or callback running longer is reported (Python's
  /// slow_callback_duration, on always). Default 100 ms; zero turns the watchdog off. Never
  /// throws.
  void set_slow_callback_duration(std::chrono::nanoseconds d) noexcept {
    slow_ns_ = d.count();
    if (slow_ns_ > 0) step_clock_ns_ = coarse_now_ns();  // a step now running starts now
  }
  /// The watchdog threshold. Never throws.
  std::chrono::nanoseconds slow_callback_duration() const noexcept {
    return std::chrono::nanoseconds(slow_ns_);
  }
  /// Replaces how slow steps are reported (an empty function restores the default). By default
  /// each is one line on stderr, slow_step_info::message(): a warning, not an error. The hook
  /// runs on the loop thread, after the slow step; what it throws goes to braid::threading's
  /// excepthook. Loop-thread only. Throws std::bad_alloc.
  void set_slow_step_hook(std::function<void(const slow_step_info&)> hook);

  /// The executor to_thread() uses: a thread_pool_executor created on first use. Throws
  /// std::bad_alloc, what creating the pool throws. Thread-safe, but the reference is only valid
  /// until set_default_executor() or close() replaces the executor.
  futures::executor& default_executor();
  /// Replaces the default executor (Python's set_default_executor). The previous one is
  /// released, not shut down by the loop (its destructor runs here if the loop held the last
  /// reference). Null means "make one on first use" again. Never throws. Thread-safe.
  void set_default_executor(std::shared_ptr<futures::executor> executor);

 private:
  // --- Internals, for braid's awaiters through detail::loop_access -------------------------
  void push_ready(detail::runnable& r) noexcept {
    r.next_run = nullptr;
    if (ready_tail_) {
      ready_tail_->next_run = &r;
    } else {
      ready_head_ = &r;
    }
    ready_tail_ = &r;
    ++ready_count_;
  }
  detail::task_base* running_task() const noexcept { return running_task_; }
  void set_running_task(detail::task_base* t) noexcept { running_task_ = t; }
  void add_timer(detail::timer_node& n) { timers_.push(n); }
  void cancel_timer(detail::timer_node& n) noexcept { timers_.erase(n); }
  /// Queues `r` to run on the loop thread and wakes the loop. Thread-safe; never throws. Once
  /// the loop took `r` this call no longer touches the loop (which may then be destroyed). For
  /// work the loop is known to wait for (a task's pending wait): it does not check for a closed
  /// loop.
  void post_threadsafe(detail::runnable& r) noexcept;
  /// Posting that stays safe after the loop is closed or destroyed. Thread-safe.
  detail::loop_poster poster() const noexcept;
  void begin_external() noexcept { ++external_pending_; }
  void end_external() noexcept { --external_pending_; }
  /// Performs `op` now if that cannot block (true, op.result set). Never throws.
  bool try_io(detail::io_operation& op) noexcept;
  /// Starts `op`; its run() is queued with op.result set when it completes. Never throws.
  void submit_io(detail::io_operation& op) noexcept;
  /// Stops an armed `op`: true if it will not complete; false if its completion still comes
  /// (io_uring: as -ECANCELED, or the result it had reached). Never throws.
  bool cancel_io(detail::io_operation& op) noexcept;
  /// For the destructor of a frame holding an armed `op`: afterwards nothing refers to it.
  void abandon_io(detail::io_operation& op) noexcept;
  /// A descriptor braid owns until detach_fd (see io_backend::attach). Never throws.
  void attach_fd(int fd) noexcept;
  /// Before closing an attached fd: queued operations on it complete with -ECANCELED.
  void detach_fd(int fd) noexcept;
  /// Links `t` into the loop's list of tasks and numbers it (allocates nothing).
  void register_task(detail::task_base& t) noexcept;
  void unregister_task(detail::task_base& t) noexcept;
  detail::task_base* first_task() const noexcept { return tasks_head_; }
  void note_step(std::int64_t start_ns, const detail::task_base* t) noexcept {
    if (t) {
      ++task_steps_;
    } else {
      ++callbacks_run_;
    }
    if (slow_ns_ > 0) check_slow(start_ns, t);
  }
  static std::int64_t coarse_now_ns() noexcept;
  /// When a step starts, for note_step(): the end of the previous step of the batch (or the
  /// batch's start), so the watchdog reads the clock once per step, and never when it is off.
  std::int64_t step_start_ns() const noexcept { return step_clock_ns_; }
  /// One iteration: poll, fire due timers, run what was ready.
  void run_once();
  /// Iterates until `done()` returns true. Sets the thread's current loop meanwhile.
  void run_until(bool (*done)(void*), void* arg);

  template <class F>
  detail::callback_base* make_callback(F&& fn) {
    return new detail::callback<std::decay_t<F>>(*this, std::forward<F>(fn));
  }
  void post_threadsafe_checked(detail::runnable& r);
  /// Throws event_loop_error("the event loop is closed") once close() finished.
  void throw_if_closed() const {
    if (closed_) throw_closed();
  }
  [[noreturn]] static void throw_closed();
  void check_slow(std::int64_t start_ns, const detail::task_base* t) noexcept;
  void run_ready_batch() noexcept;
  void fire_due_timers() noexcept;
  std::chrono::nanoseconds poll_timeout() noexcept;

  asyncio::clock* clock_;
  detail::runnable* ready_head_ = nullptr;
  detail::runnable* ready_tail_ = nullptr;
  std::size_t ready_count_ = 0;
  detail::task_base* running_task_ = nullptr;
  detail::timer_heap timers_;
  std::size_t external_pending_ = 0;
  detail::task_base* tasks_head_ = nullptr;
  std::size_t tasks_alive_ = 0;
  std::int64_t slow_ns_ = 100'000'000;
  std::int64_t step_clock_ns_ = 0;  // see step_start_ns()
  std::uint64_t task_steps_ = 0;
  std::uint64_t callbacks_run_ = 0;
  std::unique_ptr<detail::loop_impl> impl_;
  bool running_loop_ = false;
  bool closed_ = false;
  bool debug_ = false;
  friend struct detail::loop_impl;
  friend struct detail::loop_access;
};

namespace detail {
/// The loop's internals, for braid's own awaiters and tasks (not for users: the names and
/// contracts may change in any release). Each forwards to the private member of the same name,
/// documented there.
struct loop_access {
  static void push_ready(event_loop& l, runnable& r) noexcept { l.push_ready(r); }
  static task_base* running_task(const event_loop& l) noexcept { return l.running_task(); }
  static void set_running_task(event_loop& l, task_base* t) noexcept { l.set_running_task(t); }
  static void add_timer(event_loop& l, timer_node& n) { l.add_timer(n); }
  static void cancel_timer(event_loop& l, timer_node& n) noexcept { l.cancel_timer(n); }
  static void post_threadsafe(event_loop& l, runnable& r) noexcept { l.post_threadsafe(r); }
  static loop_poster poster(const event_loop& l) noexcept { return l.poster(); }
  static void begin_external(event_loop& l) noexcept { l.begin_external(); }
  static void end_external(event_loop& l) noexcept { l.end_external(); }
  static bool try_io(event_loop& l, io_operation& op) noexcept { return l.try_io(op); }
  static void submit_io(event_loop& l, io_operation& op) noexcept { l.submit_io(op); }
  static bool cancel_io(event_loop& l, io_operation& op) noexcept { return l.cancel_io(op); }
  static void abandon_io(event_loop& l, io_operation& op) noexcept { l.abandon_io(op); }
  static void attach_fd(event_loop& l, int fd) noexcept { l.attach_fd(fd); }
  static void detach_fd(event_loop& l, int fd) noexcept { l.detach_fd(fd); }
  static void register_task(event_loop& l, task_base& t) noexcept { l.register_task(t); }
  static void unregister_task(event_loop& l, task_base& t) noexcept { l.unregister_task(t); }
  static task_base* first_task(const event_loop& l) noexcept { return l.first_task(); }
  static std::int64_t step_start_ns(const event_loop& l) noexcept { return l.step_start_ns(); }
  static void note_step(event_loop& l, std::int64_t start_ns, const task_base* t) noexcept {
    l.note_step(start_ns, t);
  }
  static void run_once(event_loop& l) { l.run_once(); }
  static void run_until(event_loop& l, bool (*done)(void*), void* arg) { l.run_until(done, arg); }
  static loop_impl& impl(event_loop& l) noexcept { return *l.impl_; }
};

/// The task running on this thread's loop, for an awaitable about to suspend it: every braid
/// awaitable that parks a task calls this first. Throws event_loop_error if no loop runs on
/// this thread, or "<what> outside a task" if the caller is not inside a task (a coroutine
/// resumed by a plain callback, say). Loop-thread only.
task_base& running_task_or_throw(const char* what);
}  // namespace detail

inline void detail::task_base::schedule() noexcept {
  if (!queued_) {
    queued_ = true;
    loop_access::push_ready(*loop_, *this);
  }
}

}  // namespace braid::asyncio
