#include "braid/multiprocessing/process_pool_executor.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "braid/multiprocessing/cpu_count.hpp"
#include "detail/wire.hpp"
#include "detail/worker.hpp"

namespace braid::multiprocessing {
namespace {

using detail::task_base;
using task_ptr = std::shared_ptr<task_base>;

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
  task_ptr current;  // the task it runs, if any
  std::uint64_t current_id = 0;
  std::size_t dispatched = 0;
  bool retiring = false;  // told to exit after its last task (max_tasks_per_child)
};
using worker_ptr = std::shared_ptr<worker>;

std::string describe_death(pid_t pid, int signal, int exit_code) {
  std::string text = "worker process " + std::to_string(pid);
  if (signal != 0) {
    const char* name = ::sigdescr_np(signal);
    text += " was killed by signal " + std::to_string(signal) + " (" +
            (name != nullptr ? name : "?") + ")";
  } else {
    text += " exited with code " + std::to_string(exit_code);
  }
  return text + " while running the task";
}

}  // namespace

struct process_pool_executor::impl {
  impl(process_pool_options o)
      : max_workers(o.max_workers != 0 ? o.max_workers : cpu_count()),
        max_tasks_per_child(o.max_tasks_per_child),
        max_retries(o.max_retries),
        initializer(std::move(o.initializer)) {
    if (o.method == start_method::fork) server = std::make_unique<detail::fork_server>();
    hello = detail::encode_hello(detail::worker_mode::pool, initializer);
    wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd < 0) throw std::system_error(errno, std::generic_category(), "braid: eventfd");
    try {
      manager = std::thread([this] { run(); });
    } catch (...) {
      ::close(wake_fd);
      throw;
    }
  }
  ~impl() { ::close(wake_fd); }

  const std::size_t max_workers;
  const std::size_t max_tasks_per_child;
  const std::size_t max_retries;
  remote_call initializer;
  std::string hello;
  std::unique_ptr<detail::fork_server> server;
  int wake_fd = -1;
  std::thread manager;
  std::mutex join_mutex;

  mutable std::mutex mutex;  // guards everything below
  std::deque<task_ptr> queue;
  std::vector<worker_ptr> workers;
  std::vector<worker_ptr> idle;
  bool closed = false;
  bool killing = false;
  std::string broken;  // why the pool is broken, or empty
  std::size_t started = 0;
  std::uint64_t next_id = 1;

  void wake() noexcept {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
  }

  // Under the mutex: the next runnable queued task (cancelled ones are dropped), marked running.
  task_ptr take_next() {
    while (!queue.empty()) {
      task_ptr t = std::move(queue.front());
      queue.pop_front();
      if (t->started || t->start()) {
        t->started = true;
        return t;
      }
    }
    return nullptr;
  }

  // Under the mutex: gives `t` to `w`.
  void assign(const worker_ptr& w, task_ptr t) {
    w->current = std::move(t);
    w->current_id = next_id++;
    ++w->dispatched;
  }

  // Outside the mutex. A worker that died meanwhile is handled when its socket reports it.
  static void send_task(const worker_ptr& w, const task_ptr& t, std::uint64_t id) noexcept {
    try {
      detail::send_message(w->fd, detail::kind::task, id, t->call().bytes, t->call().fds);
    } catch (...) {
    }
  }

  void schedule(task_ptr t) {
    t->retries = max_retries;
    std::unique_lock lock(mutex);
    if (!broken.empty()) throw broken_process_pool(broken);
    if (closed) throw futures::executor_shutdown_error();
    if (!idle.empty() && t->start()) {
      t->started = true;
      worker_ptr w = std::move(idle.back());
      idle.pop_back();
      assign(w, t);
      const auto id = w->current_id;
      lock.unlock();
      send_task(w, t, id);
      return;
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
          if (w) workers.push_back(w);  // started: its death is handled like any other
          if (!workers.empty()) return;  // the others carry on
          reason = std::string("no worker process could be started: ") + e.what();
          break_pool(reason, to_fail);
        }
        fail_all(to_fail, std::make_exception_ptr(broken_process_pool(reason)));
        return;
      }
      task_ptr t;
      std::uint64_t id = 0;
      {
        std::lock_guard lock(mutex);
        workers.push_back(w);
        ++started;
        t = take_next();
        if (t) {
          assign(w, t);
          id = w->current_id;
        } else {
          idle.push_back(w);
        }
      }
      if (t) send_task(w, t, id);
    }
  }

  void on_message(const worker_ptr& w) {
    detail::header h;
    std::string body;
    if (!detail::recv_message(w->fd, h, body, nullptr)) {
      on_death(w);
      return;
    }
    const auto k = static_cast<detail::kind>(h.kind);
    if (k == detail::kind::fatal) {
      std::vector<task_ptr> to_fail;
      const std::string reason = "braid::multiprocessing: " + body;
      {
        std::lock_guard lock(mutex);
        if (w->current) to_fail.push_back(std::move(w->current));
        break_pool(reason, to_fail);
      }
      fail_all(to_fail, std::make_exception_ptr(broken_process_pool(reason)));
      return;
    }
    if (k != detail::kind::result && k != detail::kind::failure) return;
    task_ptr done, next;
    std::uint64_t next_id_sent = 0;
    {
      std::lock_guard lock(mutex);
      if (!w->current || w->current_id != h.id) return;
      done = std::move(w->current);
      if (max_tasks_per_child != 0 && w->dispatched >= max_tasks_per_child) {
        w->retiring = true;
        ::shutdown(w->fd, SHUT_WR);  // the worker reads the end of the stream and exits
      } else if ((next = take_next())) {
        assign(w, next);
        next_id_sent = w->current_id;
      } else {
        idle.push_back(w);
      }
    }
    if (k == detail::kind::result) {
      done->complete(body);
    } else {
      done->fail(detail::decode_remote_error(body));
    }
    if (next) send_task(w, next, next_id_sent);
  }

  void on_death(const worker_ptr& w) {
    int signal = 0, exit_code = 0;
    detail::reap(w->pid, signal, exit_code);
    task_ptr t;
    {
      std::lock_guard lock(mutex);
      std::erase(workers, w);
      std::erase(idle, w);
      t = std::move(w->current);
      if (t && t->retries > 0 && !killing && broken.empty()) {
        --t->retries;
        queue.push_front(std::move(t));
      }
    }
    if (t) {
      t->fail(std::make_exception_ptr(
          worker_died(w->pid, signal, exit_code, describe_death(w->pid, signal, exit_code))));
    }
  }

  bool finished() const {
    std::lock_guard lock(mutex);
    if (!closed || !queue.empty()) return false;
    return std::none_of(workers.begin(), workers.end(), [](const worker_ptr& w) {
      return static_cast<bool>(w->current);
    });
  }

  void run() {
    std::vector<pollfd> fds;
    std::vector<worker_ptr> polled;
    while (!finished()) {
      start_workers();
      fds.clear();
      polled.clear();
      fds.push_back({wake_fd, POLLIN, 0});
      {
        std::lock_guard lock(mutex);
        polled = workers;
      }
      for (const auto& w : polled) {
        fds.push_back({w->fd, POLLIN, 0});
        fds.push_back({w->pidfd, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) continue;
      if (fds[0].revents != 0) {
        std::uint64_t n;
        [[maybe_unused]] const auto r = ::read(wake_fd, &n, sizeof n);
      }
      for (std::size_t i = 0; i < polled.size(); ++i) {
        if (fds[1 + 2 * i].revents != 0) {
          on_message(polled[i]);
        } else if (fds[2 + 2 * i].revents != 0) {
          on_death(polled[i]);
        }
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
      idle.clear();
    }
    for (const auto& w : all) ::shutdown(w->fd, SHUT_RDWR);
    for (const auto& w : all) {
      int s, e;
      detail::reap(w->pid, s, e);
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
                                                 max_tasks_per_child, method, 0}) {}

process_pool_executor::process_pool_executor(process_pool_options options)
    : impl_(std::make_unique<impl>(std::move(options))) {}

process_pool_executor::~process_pool_executor() {
  impl_->shutdown(true, false);
  if (impl_->manager.joinable()) impl_->manager.detach();  // destroyed from its own callback
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

std::size_t process_pool_executor::max_workers() const noexcept { return impl_->max_workers; }

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
