#include "braid/multiprocessing/process_pool_executor.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "braid/error.hpp"
#include "braid/multiprocessing/cpu_count.hpp"
#include "braid/threading/current_thread.hpp"
#include "braid/trace/tracing.hpp"
#include "detail/wire.hpp"
#include "detail/worker.hpp"

namespace braid::multiprocessing {
namespace {

using detail::task_base;
using task_ptr = std::shared_ptr<task_base>;

// Bytes of tasks queued behind the one a worker runs (pipelined). Kept far below the socket's
// send buffer (spawn.cpp asks for 1 MiB), so sending a pipelined task never blocks: the manager
// thread, which also reads the results, must never wait for a worker that waits for it.
constexpr std::size_t pipeline_bytes = std::size_t{64} << 10;

struct sent_task {
  task_ptr task;
  std::uint64_t id;
  std::size_t bytes;
  std::int64_t sent_ns = 0;  // when it was given to the worker, if tracing was on
};

// Who reads a worker's socket now. Exactly one thread reads it at a time: the manager thread,
// through its epoll set (the socket is armed there, one event at a time), or a thread waiting
// in result() for a task that worker runs, which reads its own answer instead of sleeping until
// the manager relays it (that saves two thread wake-ups per round trip).
enum class reader_state : std::uint8_t { epoll, manager, waiter };

// A task that finished, to be published once the worker's socket is given back (its
// done-callbacks run user code, which may even destroy the pool).
struct done_item {
  task_ptr task;
  std::exception_ptr error;  // null: publish the result task->prepare() decoded
};

void publish_all(std::vector<done_item>& items) noexcept {
  for (auto& d : items) {
    if (d.error) {
      d.task->fail(d.error);
    } else {
      d.task->publish();
    }
  }
  items.clear();
}

struct worker {
  explicit worker(const detail::child& c) : pid(c.pid), fd(c.fd), pidfd(c.pidfd) {}
  ~worker() {
    ::close(fd);
    ::close(pidfd);
  }
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  pid_t pid;
  int fd;
  int pidfd;
  // Under the pool's mutex:
  std::deque<sent_task> running;  // given to it, oldest first (sent, or in `outbox`)
  std::deque<sent_task> outbox;   // given but not yet sent, in order
  bool sending = false;           // a thread is sending `outbox` (one at a time, in order)
  std::size_t dispatched = 0;
  bool retiring = false;     // told to exit after its last task (max_tasks_per_child)
  std::uint64_t serial = 0;  // its name in the manager's epoll set
  reader_state reader = reader_state::epoll;
  bool pid_skipped = false;       // its pidfd's event came while a waiter read: re-arm it
  std::int64_t last_done_ns = 0;  // tracing: when its last task finished
  // Only the thread reading its socket (see reader_state):
  bool corrupt = false;  // it sent something that is not a message, and was killed
  detail::message_reader reader_;
};
using worker_ptr = std::shared_ptr<worker>;

std::string describe_death(pid_t pid, int signal, int exit_code, bool known) {
  std::string text = "worker process " + std::to_string(pid);
  if (!known) {
    return text +
           " died while running the task; its exit status is unknown (SIGCHLD is ignored, so "
           "the system reaped it)";
  }
  if (signal != 0) {
    const char* name = ::sigdescr_np(signal);
    text += " was killed by signal " + std::to_string(signal) + " (" +
            (name != nullptr ? name : "?") + ")";
  } else {
    text += " exited with code " + std::to_string(exit_code);
  }
  return text + " while running the task";
}

std::size_t checked_max_workers(std::size_t n) {
  if (n == 0 || n > static_cast<std::size_t>(PTRDIFF_MAX)) {
    throw value_error("max_workers must be greater than 0");
  }
  return n;
}

}  // namespace

struct process_pool_executor::impl {
  impl(process_pool_options o)
      : max_workers(checked_max_workers(o.max_workers)),
        max_tasks_per_child(o.max_tasks_per_child),
        max_retries(o.max_retries),
        max_in_flight(std::max<std::size_t>(1, o.max_in_flight_per_worker)),
        initializer(std::move(o.initializer)) {
    if (o.method == start_method::fork) server = std::make_unique<detail::fork_server>();
    hello = detail::encode_hello(detail::worker_mode::pool, initializer);
    wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd < 0) throw os_error(errno, "braid::multiprocessing: eventfd");
    epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) {
      const int e = errno;
      ::close(wake_fd);
      throw os_error(e, "braid::multiprocessing: epoll_create1");
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
  }
  // The manager thread shares ownership of the state it runs on: a pool destroyed on that
  // thread (from a done-callback) detaches it, and the thread frees the state when it ends.
  static std::shared_ptr<impl> start(process_pool_options o) {
    auto self = std::make_shared<impl>(std::move(o));
    self->helper = new waiter_helper(self);
    try {
      self->manager = std::thread([self] { self->run(); });
    } catch (const std::system_error& e) {  // no std::system_error escapes braid
      throw os_error(e.code(), "braid::multiprocessing: starting the pool's manager thread");
    }
    return self;
  }
  ~impl() {
    helper->release();
    ::close(epoll_fd);
    ::close(wake_fd);
  }

  // Attached to every task's future: a thread about to block in result() reads its own answer.
  // Futures may outlive the pool, so it holds the pool weakly.
  struct waiter_helper final : futures::detail::wait_helper {
    explicit waiter_helper(const std::shared_ptr<impl>& p) : pool(p) {}
    void retain() noexcept override { refs.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept override {
      if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
    }
    void help(futures::detail::state_base& s,
              const std::chrono::steady_clock::time_point* deadline) noexcept override {
      if (const auto p = pool.lock()) p->help(s, deadline);
    }
    std::weak_ptr<impl> pool;
    std::atomic<std::uint32_t> refs{1};
  };

  const std::size_t max_workers;
  const std::size_t max_tasks_per_child;
  const std::size_t max_retries;
  const std::size_t max_in_flight;
  static constexpr std::size_t backlog_factor = 16;
  remote_call initializer;
  std::string hello;
  std::unique_ptr<detail::fork_server> server;
  int wake_fd = -1;
  int epoll_fd = -1;
  waiter_helper* helper = nullptr;
  std::thread manager;
  std::mutex join_mutex;

  mutable std::mutex mutex;  // guards everything below and the workers' shared fields
  std::deque<task_ptr> queue;
  std::vector<worker_ptr> workers;
  bool closed = false;
  bool killing = false;
  std::string broken;  // why the pool is broken, or empty
  std::size_t started = 0;
  std::uint64_t next_id = 1;
  std::uint64_t next_serial = 1;

  // The socket (or pidfd) of `w` reports one event to the manager thread (EPOLLONESHOT), or none.
  void arm(const worker& w, bool pidfd, bool on) noexcept {
    epoll_event ev{};
    ev.events = on ? EPOLLIN | EPOLLONESHOT : EPOLLONESHOT;
    ev.data.u64 = w.serial * 2 + (pidfd ? 1 : 0);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, pidfd ? w.pidfd : w.fd, &ev);
  }

  // In a thread about to block until `s` is done: if a worker runs the task whose future `s`
  // is, and nobody reads that worker's socket, reads it here until `s` is done, the deadline
  // passes, or the worker dies (the manager thread then handles its death as usual).
  void help(futures::detail::state_base& s,
            const std::chrono::steady_clock::time_point* deadline) noexcept {
    std::vector<done_item> out;
    while (!s.done()) {
      worker_ptr w;
      {
        std::lock_guard lock(mutex);
        for (const auto& candidate : workers) {
          for (const auto& r : candidate->running) {
            if (&r.task->state() == &s) w = candidate;
          }
          if (w) break;
        }
        if (!w || w->reader != reader_state::epoll || w->corrupt) return;
        w->reader = reader_state::waiter;
      }
      arm(*w, false, false);
      bool keep_going = true;
      try {
        for (;;) {
          pollfd p[2] = {{w->fd, POLLIN, 0}, {w->pidfd, POLLIN, 0}};
          timespec ts{};
          if (deadline != nullptr) {
            const auto left = std::max(*deadline - std::chrono::steady_clock::now(),
                                       std::chrono::steady_clock::duration::zero());
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
            ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
            ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
          }
          const int r = ::ppoll(p, 2, deadline != nullptr ? &ts : nullptr, nullptr);
          if (r < 0 && errno == EINTR) continue;
          if (r <= 0) {  // the deadline passed (or poll failed: let the caller block)
            keep_going = false;
            break;
          }
          const bool open = p[0].revents == 0 || on_readable(w, out);
          if (!open || p[1].revents != 0) {  // it died: the manager handles that
            keep_going = false;
            break;
          }
          if (!out.empty()) break;
        }
      } catch (...) {  // std::bad_alloc collecting results: give the socket back
        keep_going = false;
      }
      bool rearm_pid, was_closed;
      {
        std::lock_guard lock(mutex);
        w->reader = reader_state::epoll;
        rearm_pid = std::exchange(w->pid_skipped, false);
        was_closed = closed;
      }
      arm(*w, false, true);
      if (rearm_pid) arm(*w, true, true);
      // After shutdown the manager thread ends once no task runs: it must look again, as the
      // answers it waits for may have been read here.
      if (was_closed) wake();
      publish_all(out);
      if (!keep_going) return;
    }
  }

  void wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }

  // Under the mutex: whether `w` may be given one more task of `bytes` bytes now. An idle
  // worker takes anything; a busy one takes up to max_in_flight tasks (never more than what is
  // left of its max_tasks_per_child budget), and only small ones behind the running one.
  // With `deep` (a backlog of at least backlog_factor tasks per worker), a worker that pipelines
  // (max_in_flight >= 2) takes up to backlog_factor times as many small tasks: they travel in
  // one send and their results come back in one, so a deep backlog costs a few system calls
  // per batch instead of per task.
  bool can_take(const worker& w, std::size_t bytes, bool deep = false) const {
    if (w.retiring || killing) return false;
    if (max_tasks_per_child != 0 && w.dispatched >= max_tasks_per_child) return false;
    if (w.running.empty()) return true;
    const std::size_t limit =
        deep && max_in_flight >= 2 ? max_in_flight * backlog_factor : max_in_flight;
    if (w.running.size() >= limit) return false;
    std::size_t behind = bytes;
    for (std::size_t i = 1; i < w.running.size(); ++i) behind += w.running[i].bytes;
    return behind <= pipeline_bytes;
  }

  // Under the mutex: gives `t` (marked running) to `w`; the caller then calls flush(w).
  void assign(worker& w, task_ptr t) {
    const std::size_t bytes = t->call().bytes.size();
    const sent_task s{std::move(t), next_id++, bytes, trace::enabled() ? trace::now_ns() : 0};
    w.running.push_back(s);
    w.outbox.push_back(s);
    ++w.dispatched;
  }

  // Under the mutex: moves queued tasks to `w` while it can take them. True if it gave any.
  bool fill(worker& w) {
    bool gave = false;
    while (!queue.empty() && can_take(w, queue.front()->call().bytes.size(),
                                      queue.size() >= backlog_factor * max_workers)) {
      task_ptr t = std::move(queue.front());
      queue.pop_front();
      if (!t->started && !t->start()) continue;  // cancelled while queued
      t->started = true;
      assign(w, std::move(t));
      gave = true;
    }
    return gave;
  }

  // Outside the mutex: sends `w`'s outbox in order, unless another thread is already at it
  // (that thread then sends what was added too). A worker that died meanwhile is handled when
  // its pidfd or socket reports it. A send that fails otherwise fails that task; as the
  // stream may then hold part of the message, the worker is killed (and replaced).
  void flush(const worker_ptr& w) {
    std::unique_lock lock(mutex);
    if (w->sending) return;
    w->sending = true;
    std::vector<sent_task> batch;
    std::string frames;
    while (!w->outbox.empty()) {
      // Small tasks without descriptors that are due together go in one system call.
      batch.clear();
      frames.clear();
      while (!w->outbox.empty()) {
        const sent_task& next = w->outbox.front();
        const bool small = next.task->call().fds.empty() && next.bytes < pipeline_bytes;
        if (!batch.empty() && (!small || frames.size() + next.bytes > pipeline_bytes)) break;
        batch.push_back(std::move(w->outbox.front()));
        w->outbox.pop_front();
        if (!small) break;
      }
      lock.unlock();
      std::exception_ptr error;
      try {
        if (batch.size() == 1) {
          const sent_task& s = batch.front();
          detail::send_message(w->fd, detail::kind::task, s.id, s.task->call().bytes,
                               s.task->call().fds);
        } else {
          for (const auto& s : batch) {
            detail::append_frame(frames, detail::kind::task, s.id, s.task->call().bytes);
          }
          detail::send_bytes(w->fd, frames);
        }
      } catch (const braid::error&) {
        error = std::current_exception();
      } catch (const std::exception& e) {
        error = std::make_exception_ptr(transfer_error(
            std::string("braid::multiprocessing: sending a task failed: ") + e.what()));
      }
      lock.lock();
      if (error) {
        for (const auto& s : batch) {
          const auto it = std::find_if(w->running.begin(), w->running.end(),
                                       [&](const sent_task& r) { return r.id == s.id; });
          if (it != w->running.end()) w->running.erase(it);
        }
        w->retiring = true;
        detail::signal_pidfd(w->pidfd, SIGKILL);
        lock.unlock();
        for (const auto& s : batch) s.task->fail(error);
        lock.lock();
      }
    }
    w->sending = false;
  }

  // Under the mutex: the worker to give a new task of `bytes` bytes to, or null: an idle one
  // first; then, if no more workers may start, the least busy that can take it.
  worker_ptr pick_worker(std::size_t bytes) const {
    worker_ptr best;
    for (const auto& w : workers) {
      if (!can_take(*w, bytes)) continue;
      if (w->running.empty()) return w;
      if (!best || w->running.size() < best->running.size()) best = w;
    }
    return workers.size() < max_workers ? nullptr : best;
  }

  void schedule(task_ptr t) {
    t->retries = max_retries;
    t->state().set_wait_helper(helper);
    std::unique_lock lock(mutex);
    if (!broken.empty()) throw broken_process_pool(broken);
    if (closed) throw futures::executor_shutdown_error();
    if (t->call().fds.size() > detail::max_message_fds) {
      lock.unlock();
      if (t->start()) {
        t->fail(std::make_exception_ptr(
            transfer_error("braid::multiprocessing: a task may carry at most " +
                           std::to_string(detail::max_message_fds) + " descriptors, not " +
                           std::to_string(t->call().fds.size()))));
      }
      return;
    }
    if (queue.empty()) {
      if (worker_ptr w = pick_worker(t->call().bytes.size()); w && t->start()) {
        t->started = true;
        assign(*w, std::move(t));
        lock.unlock();
        flush(w);
        return;
      }
    }
    queue.push_back(std::move(t));
    const bool spawn = workers.size() < max_workers;
    lock.unlock();
    if (spawn) wake();
  }

  void fail_all(std::vector<task_ptr>& tasks, const std::exception_ptr& error) {
    for (auto& t : tasks) t->fail(error);
    tasks.clear();
  }

  // Under the mutex: marks the pool broken and collects every task to fail.
  void break_pool(const std::string& reason, std::vector<task_ptr>& to_fail) {
    if (broken.empty()) broken = reason;
    for (auto& t : queue) to_fail.push_back(std::move(t));
    queue.clear();
  }

  /// Watches a new worker's socket and process descriptor (one event each, re-armed as used)
  /// and adds it to the pool. Under `mutex`.
  void add_worker_locked(const worker_ptr& w) {
    w->serial = next_serial++;
    for (const bool pidfd : {false, true}) {
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLONESHOT;
      ev.data.u64 = w->serial * 2 + (pidfd ? 1 : 0);
      ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, pidfd ? w->pidfd : w->fd, &ev);
    }
    workers.push_back(w);
  }

  void start_workers() {
    std::size_t wanted;
    {
      std::lock_guard lock(mutex);
      if (!broken.empty() || killing) return;
      wanted = std::min(queue.size(), max_workers - std::min(max_workers, workers.size()));
    }
    for (std::size_t i = 0; i < wanted; ++i) {
      worker_ptr w;
      try {
        w = std::make_shared<worker>(detail::start_child(server.get()));
        detail::send_message(w->fd, detail::kind::hello, 0, hello, initializer.encoded().fds);
      } catch (const std::exception& e) {
        std::vector<task_ptr> to_fail;
        std::string reason;
        {
          std::lock_guard lock(mutex);
          if (w) {  // started: its death is handled like any other
            add_worker_locked(w);
          }
          if (!workers.empty()) return;  // the others carry on
          reason = std::string("no worker process could be started: ") + e.what();
          break_pool(reason, to_fail);
        }
        fail_all(to_fail, std::make_exception_ptr(broken_process_pool(reason)));
        return;
      }
      bool gave;
      {
        std::lock_guard lock(mutex);
        add_worker_locked(w);
        ++started;
        gave = fill(*w);
      }
      if (gave) flush(w);
    }
  }

  // By the thread reading `w`'s socket: reads what `w` has sent, collecting finished tasks in
  // `out`; false if its stream ended (it died or exited).
  bool on_readable(const worker_ptr& w, std::vector<done_item>& out) {
    w->reader_.rearm();
    for (;;) {
      detail::header h;
      std::string_view body;
      switch (w->reader_.next(w->fd, false, h, body, nullptr)) {
        case detail::message_reader::status::need_more:
          return true;
        case detail::message_reader::status::closed:
          return false;
        case detail::message_reader::status::corrupt:
          // Not a message: the stream cannot be trusted any more. The worker is killed and
          // replaced; the tasks it held fail with transfer_error (on_death).
          if (!w->corrupt) {
            w->corrupt = true;
            detail::signal_pidfd(w->pidfd, SIGKILL);
          }
          return false;
        case detail::message_reader::status::message:
          on_message(w, h, body, out);
      }
    }
  }

  void on_message(const worker_ptr& w, const detail::header& h, std::string_view body,
                  std::vector<done_item>& out) {
    const auto k = static_cast<detail::kind>(h.kind);
    if (k == detail::kind::fatal) {
      std::vector<task_ptr> to_fail;
      const std::string reason = "braid::multiprocessing: " + std::string(body);
      {
        std::lock_guard lock(mutex);
        for (auto& s : w->running) to_fail.push_back(std::move(s.task));
        w->running.clear();
        w->outbox.clear();
        break_pool(reason, to_fail);
      }
      const auto error = std::make_exception_ptr(broken_process_pool(reason));
      for (auto& t : to_fail) out.push_back({std::move(t), error});
      return;
    }
    if (k != detail::kind::result && k != detail::kind::failure) return;
    task_ptr done;
    bool gave = false;
    {
      std::lock_guard lock(mutex);
      const auto it = std::find_if(w->running.begin(), w->running.end(),
                                   [&](const sent_task& s) { return s.id == h.id; });
      if (it == w->running.end()) return;
      done = std::move(it->task);
      if (it->sent_ns != 0) trace_task(*w, it->sent_ns);
      w->running.erase(it);
      gave = fill(*w);
      if (max_tasks_per_child != 0 && w->dispatched >= max_tasks_per_child && w->running.empty()) {
        w->retiring = true;
        ::shutdown(w->fd, SHUT_WR);  // the worker reads the end of the stream and exits
      }
    }
    if (gave) flush(w);  // the worker's next task first, then the result
    if (k == detail::kind::result) {
      done->prepare(body);
      out.push_back({std::move(done), nullptr});
    } else {
      out.push_back({std::move(done), detail::decode_remote_error(body)});
    }
  }

  // Under the mutex, tracing: the task ran on `w` from when it was sent, or from when the
  // worker's previous task finished if it waited behind that one, until now (seen from here, so
  // the transfer both ways is included).
  void trace_task(worker& w, std::int64_t sent_ns) noexcept {
    const std::int64_t now = trace::now_ns();
    if (w.last_done_ns == 0) {
      trace::name_lane(w.pid, 0, "worker " + std::to_string(w.pid));
      trace::name_lane(w.pid, w.pid, "pool-worker");
    }
    trace::record_on(trace::category::process_pool, "task", w.pid, w.pid,
                     std::max(sent_ns, w.last_done_ns), now);
    w.last_done_ns = now;
  }

  // On the manager thread, which reads `w`'s socket (reader_state::manager).
  void on_death(const worker_ptr& w, std::vector<done_item>& out) {
    {
      std::lock_guard lock(mutex);
      w->retiring = true;  // gets no more tasks
    }
    // Results it sent before dying still count (its socket may not have been polled yet).
    [[maybe_unused]] const bool open = on_readable(w, out);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, w->fd, nullptr);
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, w->pidfd, nullptr);
    int signal = 0, exit_code = 0;
    const bool known = detail::reap_child(server.get(), w->pid, signal, exit_code);
    std::vector<task_ptr> lost;
    {
      std::lock_guard lock(mutex);
      std::erase(workers, w);
      std::vector<task_ptr> retry;
      for (auto& s : w->running) {
        if (s.task->retries > 0 && !killing && broken.empty() && !w->corrupt) {
          --s.task->retries;
          retry.push_back(std::move(s.task));
        } else {
          lost.push_back(std::move(s.task));
        }
      }
      w->running.clear();
      w->outbox.clear();
      queue.insert(queue.begin(), retry.begin(), retry.end());  // first, in their order
    }
    publish_all(out);
    if (lost.empty()) return;
    const auto error =
        w->corrupt ? std::make_exception_ptr(transfer_error(
                         "braid::multiprocessing: worker process " + std::to_string(w->pid) +
                         " sent a corrupt message (not a valid frame); it was killed and replaced"))
                   : std::make_exception_ptr(
                         worker_died(w->pid, signal, exit_code,
                                     describe_death(w->pid, signal, exit_code, known), known));
    for (auto& t : lost) t->fail(error);
  }

  bool finished() const {
    std::lock_guard lock(mutex);
    if (!closed || !queue.empty()) return false;
    return std::all_of(workers.begin(), workers.end(),
                       [](const worker_ptr& w) { return w->running.empty(); });
  }

  void run() {
    // Named so that a person (top -H) and the tests can tell the manager thread apart.
    threading::set_current_thread_name(std::string(detail::manager_thread_name));
    std::vector<done_item> out;
    epoll_event events[32];
    while (!finished()) {
      start_workers();
      const int n = ::epoll_wait(epoll_fd, events, 32, -1);
      for (int i = 0; i < n; ++i) {
        const std::uint64_t tag = events[i].data.u64;
        if (tag == 0) {
          std::uint64_t count;
          [[maybe_unused]] const auto r = ::read(wake_fd, &count, sizeof count);
          continue;
        }
        const bool pidfd = (tag & 1) != 0;
        worker_ptr w;
        {
          std::lock_guard lock(mutex);
          for (const auto& candidate : workers) {
            if (candidate->serial == tag / 2) w = candidate;
          }
          if (!w) continue;                         // already gone
          if (w->reader == reader_state::waiter) {  // it re-arms the socket when it is done
            if (pidfd) w->pid_skipped = true;
            continue;
          }
          w->reader = reader_state::manager;
        }
        if (pidfd || !on_readable(w, out)) {
          on_death(w, out);
          continue;
        }
        {
          std::lock_guard lock(mutex);
          w->reader = reader_state::epoll;
        }
        arm(*w, false, true);
        publish_all(out);
      }
    }
    stop_workers();
  }

  // Every worker is idle: end their streams and reap them.
  void stop_workers() {
    std::vector<worker_ptr> all;
    {
      std::lock_guard lock(mutex);
      all.swap(workers);
    }
    for (const auto& w : all) ::shutdown(w->fd, SHUT_RDWR);
    for (const auto& w : all) {
      int s, e;
      detail::reap_child(server.get(), w->pid, s, e);
    }
  }

  void signal_workers(int sig) {
    std::lock_guard lock(mutex);
    killing = true;
    for (const auto& w : workers) detail::signal_pidfd(w->pidfd, sig);
  }

  void shutdown(bool wait, bool cancel_futures) {
    std::vector<task_ptr> cancelled;
    {
      std::lock_guard lock(mutex);
      closed = true;
      if (cancel_futures) {
        std::deque<task_ptr> keep;
        for (auto& t : queue) {
          if (t->started) {
            keep.push_back(std::move(t));
          } else {
            cancelled.push_back(std::move(t));
          }
        }
        queue.swap(keep);
      }
    }
    for (auto& t : cancelled) t->cancel();
    wake();
    if (wait) join();
  }

  void join() {
    std::lock_guard lock(join_mutex);
    if (manager.joinable() && manager.get_id() != std::this_thread::get_id()) manager.join();
  }
};

process_pool_executor::process_pool_executor(std::size_t max_workers, remote_call initializer,
                                             std::size_t max_tasks_per_child, start_method method)
    : process_pool_executor(process_pool_options{max_workers, std::move(initializer),
                                                 max_tasks_per_child, method, 0, 2}) {}

process_pool_executor::process_pool_executor(process_pool_options options)
    : impl_(impl::start(std::move(options))) {}

process_pool_executor::~process_pool_executor() {
  impl_->shutdown(true, false);
  // Still joinable only when destroyed on the manager thread (from a done-callback): that
  // thread goes on with the remaining work and, holding its own reference, frees the state.
  if (impl_->manager.joinable()) impl_->manager.detach();
}

void process_pool_executor::schedule(std::shared_ptr<detail::task_base> task) {
  impl_->schedule(std::move(task));
}

void process_pool_executor::shutdown(bool wait, bool cancel_futures) noexcept {
  impl_->shutdown(wait, cancel_futures);
}

void process_pool_executor::terminate_workers() noexcept {
  impl_->shutdown(false, true);
  impl_->signal_workers(SIGTERM);
  impl_->join();
}

void process_pool_executor::kill_workers() noexcept {
  impl_->shutdown(false, true);
  impl_->signal_workers(SIGKILL);
  impl_->join();
}

std::size_t process_pool_executor::max_workers() const noexcept {
  return impl_->max_workers;
}

std::size_t process_pool_executor::max_in_flight() const noexcept {
  return impl_->max_in_flight;
}

std::vector<int> process_pool_executor::worker_pids() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<int> pids;
  for (const auto& w : impl_->workers) pids.push_back(w->pid);
  return pids;
}

std::size_t process_pool_executor::workers_started() const noexcept {
  std::lock_guard lock(impl_->mutex);
  return impl_->started;
}

}  // namespace braid::multiprocessing
