#include "braid/asyncio/event_loop.hpp"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "braid/asyncio/errors.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/threading/current_thread.hpp"
#include "braid/trace/tracing.hpp"
#include "detail/loop_impl.hpp"

namespace braid::asyncio {

namespace detail {
thread_local event_loop* current_loop = nullptr;
}  // namespace detail

namespace {
steady_clock& default_clock() {
  static steady_clock c;
  return c;
}
}  // namespace

event_loop::event_loop() : event_loop(default_clock()) {}

event_loop::event_loop(loop_options options) : event_loop(default_clock(), options) {}

event_loop::event_loop(asyncio::clock& clock, loop_options options)
    : clock_(&clock), impl_(std::make_unique<detail::loop_impl>(options.backend)) {
  impl_->remote->backend = impl_->backend.get();
  if (!impl_->fallback_reason.empty()) {
    // Said once per process: a program that asked for io_uring should learn why it has epoll.
    static std::atomic<bool> said{false};
    if (!said.exchange(true)) {
      std::fprintf(stderr, "braid: io_uring unavailable (%s); using epoll\n",
                   impl_->fallback_reason.c_str());
    }
  }
}

const char* to_string(io_backend_kind kind) noexcept {
  switch (kind) {
    case io_backend_kind::automatic:
      return "automatic";
    case io_backend_kind::epoll:
      return "epoll";
    case io_backend_kind::io_uring:
      return "io_uring";
  }
  return "unknown";
}

io_backend_kind event_loop::backend() const noexcept {
  return impl_->backend->kind();
}

const std::string& event_loop::backend_fallback_reason() const noexcept {
  return impl_->fallback_reason;
}

event_loop::~event_loop() {
  try {
    if (!running_loop_) close();
  } catch (...) {
    threading::report_unhandled(std::current_exception(), "event loop close");
  }
  // Posters still holding the queue (loop_poster) find it closed from now on; one still inside
  // a post or stop() finishes before this lock is taken, so nothing touches the loop after.
  auto& q = *impl_->remote;
  std::lock_guard lock(q.mutex);
  q.closed = true;
  q.backend = nullptr;
}

event_loop& event_loop::running() {
  if (!detail::current_loop) throw event_loop_error("no running event loop");
  return *detail::current_loop;
}

std::int64_t event_loop::coarse_now_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void event_loop::check_slow(std::int64_t start_ns, const detail::task_base* t) noexcept {
  const std::int64_t now = coarse_now_ns();
  step_clock_ns_ = now;  // the next step starts here
  const std::int64_t elapsed = now - start_ns;
  if (elapsed <= slow_ns_) return;
  ++impl_->slow_steps;
  if (trace::enabled()) {
    const std::int64_t end = trace::now_ns();
    trace::record(trace::category::stall, t ? "stall: task '" + t->name() + "'" : "stall: callback",
                  end - elapsed, end);
  }
  struct restart_clock {  // reporting takes time that is no step's
    event_loop* self;
    ~restart_clock() { self->step_clock_ns_ = coarse_now_ns(); }
  } restart{this};
  try {
    slow_step_info info;
    info.what = t ? "task '" + t->name() + "'" : std::string("callback");
    info.duration = std::chrono::nanoseconds(elapsed);
    if (t && t->extra() && t->extra()->has_site) {
      const auto& s = t->extra()->site;
      info.created_at =
          std::string(s.file) + ":" + std::to_string(s.line) + " (" + s.function + ")";
    }
    if (impl_->slow_hook) {
      impl_->slow_hook(info);
      return;
    }
    const std::string line = info.message() + "\n";
    // One write, so concurrent loops' warnings do not interleave mid-line.
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
  } catch (...) {
    threading::report_unhandled(std::current_exception(), "event loop watchdog");
  }
}

std::string slow_step_info::message() const {
  std::string msg = "braid: warning: " + what + " blocked the event loop for " +
                    std::to_string(duration.count() / 1'000'000) + " ms";
  if (!created_at.empty()) msg += "; created at " + created_at;
  return msg;
}

void event_loop::set_slow_step_hook(std::function<void(const slow_step_info&)> hook) {
  impl_->slow_hook = std::move(hook);
}

void event_loop::post_threadsafe(detail::runnable& r) noexcept {
  // One critical section for the push and the wake-up: the loop takes `r` only under the same
  // mutex, so by the time it can run `r` (and perhaps return from run() and be destroyed) this
  // thread no longer touches the loop.
  auto& q = *impl_->remote;
  std::lock_guard lock(q.mutex);
  q.push_locked(r);
}

bool detail::post_if_open(remote_queue& q, runnable& r) noexcept {
  std::lock_guard lock(q.mutex);
  if (q.closed) return false;
  q.push_locked(r);
  return true;
}

detail::task_base& detail::running_task_or_throw(const char* what) {
  task_base* t = loop_access::running_task(event_loop::running());
  if (t == nullptr) throw event_loop_error(std::string(what) + " outside a task");
  return *t;
}

void event_loop::throw_closed() {
  throw event_loop_error("the event loop is closed");
}

void event_loop::post_threadsafe_checked(detail::runnable& r) {
  if (!detail::post_if_open(*impl_->remote, r)) {
    auto& cb = static_cast<detail::callback_base&>(r);
    cb.release();
    cb.release();
    throw event_loop_error("the event loop is closed");
  }
}

detail::loop_poster event_loop::poster() const noexcept {
  return detail::loop_poster(impl_->remote, const_cast<event_loop&>(*this));
}

void event_loop::stop() noexcept {
  // Under the queue's mutex, as a post: the loop may return from run_forever() and be destroyed
  // as soon as it sees the request, and its destructor takes this mutex first.
  auto& q = *impl_->remote;
  std::lock_guard lock(q.mutex);
  impl_->stop_requested.store(true, std::memory_order_release);
  if (q.backend) q.backend->wake();
}

bool event_loop::try_io(detail::io_operation& op) noexcept {
  return impl_->backend->try_now(op);
}

void event_loop::submit_io(detail::io_operation& op) noexcept {
  op.armed = true;
  ++impl_->io_waits;
  impl_->backend->submit(op);
}

bool event_loop::cancel_io(detail::io_operation& op) noexcept {
  if (!op.armed) return false;  // completed already: its run() is queued
  if (!impl_->backend->cancel(op)) return false;
  op.armed = false;
  --impl_->io_waits;
  return true;
}

void event_loop::abandon_io(detail::io_operation& op) noexcept {
  if (!op.armed) return;
  impl_->backend->abandon(op);
  op.armed = false;
  --impl_->io_waits;
}

void event_loop::attach_fd(int fd) noexcept {
  impl_->backend->attach(fd);
}
void event_loop::detach_fd(int fd) noexcept {
  impl_->backend->detach(fd);
}

std::chrono::nanoseconds event_loop::poll_timeout() noexcept {
  using std::chrono::nanoseconds;
  if (ready_count_ != 0 || impl_->stop_requested.load(std::memory_order_relaxed)) {
    return nanoseconds(0);
  }
  if (timers_.empty()) return nanoseconds(-1);
  if (clock_->is_virtual()) return external_pending_ == 0 ? nanoseconds(0) : nanoseconds(-1);
  const auto left = timers_.top()->deadline - clock_->now();
  return left.count() < 0 ? nanoseconds(0) : std::chrono::duration_cast<nanoseconds>(left);
}

void event_loop::fire_due_timers() noexcept {
  if (timers_.empty()) return;  // no clock read (tens of ns on some machines) without timers
  const time_point now = clock_->now();
  while (!timers_.empty() && timers_.top()->deadline <= now) timers_.pop()->fire();
}

void event_loop::run_ready_batch() noexcept {
  // Only what is ready now: whatever these steps make ready runs on the next iteration, after
  // I/O and timers had their turn (this is what makes sleep(0) a fair yield).
  for (std::size_t n = ready_count_; n != 0; --n) {
    detail::runnable* r = ready_head_;
    ready_head_ = r->next_run;
    if (!ready_head_) ready_tail_ = nullptr;
    --ready_count_;
    r->run();
  }
}

void event_loop::run_once() {
  ++impl_->iterations;
  const bool may_advance =
      ready_count_ == 0 && !timers_.empty() && external_pending_ == 0 && clock_->is_virtual();
  auto& io_ready = impl_->io_ready;
  io_ready.clear();
  const auto timeout = poll_timeout();
  // With work ready and no fd watched, only the wake-up eventfd could report, and wake_pending
  // already says whether other threads posted: skip the system call. (The eventfd stays
  // readable until the next real poll drains it: one spurious wake-up at most.)
  bool woken = false;
  if (timeout.count() != 0 || impl_->io_waits != 0) {
    ++impl_->polls;
    woken = impl_->backend->poll(timeout, io_ready);
    // The poll may have blocked: that time is no step's. Without a poll, the watchdog's clock
    // goes on from the last step's end (one clock read per step, none per iteration).
    if (slow_ns_ > 0) step_clock_ns_ = coarse_now_ns();
  }
  for (detail::io_operation* op : io_ready) {
    op->armed = false;
    push_ready(*op);
  }
  impl_->io_waits -= io_ready.size();
  auto& remote = *impl_->remote;
  if (woken || remote.wake_pending.load(std::memory_order_acquire)) {
    detail::runnable* list;
    {
      std::lock_guard lock(remote.mutex);
      remote.wake_pending.store(false, std::memory_order_relaxed);
      list = remote.take_locked();
    }
    while (list) {
      detail::runnable* next = list->next_run;
      push_ready(*list);
      list = next;
    }
  }
  if (impl_->signal_pending.load(std::memory_order_relaxed)) {
    impl_->signal_pending.exchange(false, std::memory_order_acquire);
    auto& sw = impl_->signal_watch;
    if (sw.handler && !sw.queued) {
      sw.queued = true;
      push_ready(sw);
    }
  }
  if (may_advance && ready_count_ == 0) clock_->advance_to(timers_.top()->deadline);
  fire_due_timers();
  run_ready_batch();
}

void event_loop::run_until(bool (*done)(void*), void* arg) {
  if (closed_) throw event_loop_error("the event loop is closed");
  if (running_loop_) throw event_loop_error("this event loop is already running");
  if (detail::current_loop) {
    throw event_loop_error("cannot run an event loop while another loop is running");
  }
  detail::current_loop = this;
  running_loop_ = true;
  if (slow_ns_ > 0) step_clock_ns_ = coarse_now_ns();  // the loop did not run meanwhile
  struct restore {
    event_loop* self;
    ~restore() {
      self->running_loop_ = false;
      detail::current_loop = nullptr;
    }
  } guard{this};
  while (!done(arg)) run_once();
}

void event_loop::run_forever() {
  impl_->stop_requested.store(false, std::memory_order_relaxed);
  run_until(
      [](void* self) {
        return static_cast<event_loop*>(self)->impl_->stop_requested.exchange(
            false, std::memory_order_acq_rel);
      },
      this);
}

void event_loop::register_task(detail::task_base& t) noexcept {
  t.set_id(++impl_->next_task_id);
  t.all_next = tasks_head_;
  if (tasks_head_) tasks_head_->all_prev = &t;
  tasks_head_ = &t;
  ++tasks_alive_;
  ++impl_->tasks_created;
}

void event_loop::unregister_task(detail::task_base& t) noexcept {
  if (t.all_prev) {
    t.all_prev->all_next = t.all_next;
  } else {
    tasks_head_ = t.all_next;
  }
  if (t.all_next) t.all_next->all_prev = t.all_prev;
  t.all_prev = t.all_next = nullptr;
  --tasks_alive_;
}

void event_loop::cancel_all_tasks() {
  while (tasks_alive_ != 0) {
    for (detail::task_base* t = tasks_head_; t; t = t->all_next) t->cancel();
    run_until([](void* self) { return static_cast<event_loop*>(self)->tasks_alive_ == 0; }, this);
  }
}

void event_loop::close() {
  if (closed_) return;
  if (running_loop_) throw event_loop_error("cannot close a running event loop");
  cancel_all_tasks();
  // No task is left to use them; a service may still close descriptors and free its requests.
  impl_->destroy_services();
  detail::runnable* remote_list;
  {
    // Closing and taking what was posted is one critical section: a post either comes before
    // (and is dropped below) or sees the loop closed (and fails), never in between.
    std::lock_guard lock(impl_->remote->mutex);
    impl_->remote->closed = true;
    remote_list = impl_->remote->take_locked();
  }
  // Callbacks still scheduled never run; drop the loop's references to them.
  while (detail::runnable* r = ready_head_) {
    ready_head_ = r->next_run;
    r->drop();
  }
  ready_tail_ = nullptr;
  ready_count_ = 0;
  impl_->signal_watch.queued = false;
  for (detail::runnable* r = remote_list; r;) {
    detail::runnable* next = r->next_run;
    r->drop();
    r = next;
  }
  while (!timers_.empty()) timers_.pop()->drop();
  impl_->signals.reset();  // restores the signals' previous handlers and this thread's mask
  std::shared_ptr<futures::executor> executor;
  {
    std::lock_guard lock(impl_->executor_mutex);
    executor = std::move(impl_->executor);
  }
  if (executor) executor->shutdown(true);
  closed_ = true;
}

futures::executor& event_loop::default_executor() {
  std::lock_guard lock(impl_->executor_mutex);
  if (!impl_->executor) {
    impl_->executor = std::make_shared<futures::thread_pool_executor>(
        futures::thread_pool_executor::default_max_workers(), "asyncio");
  }
  return *impl_->executor;
}

void event_loop::set_default_executor(std::shared_ptr<futures::executor> executor) {
  std::lock_guard lock(impl_->executor_mutex);
  impl_->executor = std::move(executor);
}

loop_statistics event_loop::statistics() const noexcept {
  loop_statistics s;
  s.iterations = impl_->iterations;
  s.polls = impl_->polls;
  s.task_steps = task_steps_;
  s.callbacks_run = callbacks_run_;
  s.tasks_created = impl_->tasks_created;
  s.tasks_alive = tasks_alive_;
  s.ready = ready_count_;
  s.timers = timers_.size();
  s.io_waits = impl_->io_waits;
  s.external_pending = external_pending_;
  s.slow_steps = impl_->slow_steps;
  return s;
}

// --- callbacks ------------------------------------------------------------------------------

void detail::callback_base::cancel() noexcept {
  cancelled_.store(true, std::memory_order_release);
  if (event_loop::current() == loop_ && armed()) {
    loop_access::cancel_timer(*loop_, *this);
    release();  // the heap's reference
  }
}

void detail::callback_base::fire() noexcept {
  loop_access::push_ready(*loop_, *this);
}

void detail::callback_base::run() noexcept {
  if (!cancelled()) {
    const auto start = loop_access::step_start_ns(*loop_);
    try {
      invoke();
    } catch (...) {
      threading::report_unhandled(std::current_exception(), "event loop callback");
    }
    loop_access::note_step(*loop_, start, nullptr);
  }
  release();
}

}  // namespace braid::asyncio
