// The rank-0 side of an MPI pool: starting it (world ranks or MPI_Comm_spawn), the manager
// thread that sends tasks and receives results, and watching workers on this machine die.

#include "braid/mpi/mpi_pool_executor.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "braid/error.hpp"
#include "braid/multiprocessing/cpu_count.hpp"
#include "braid/multiprocessing/detail/remote_failure.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/threading/current_thread.hpp"
#include "detail/runtime.hpp"

namespace braid::mpi {
namespace {

namespace mpd = braid::multiprocessing::detail;
using task_ptr = std::shared_ptr<mpd::task_base>;
using detail::runtime;

struct sent_task {
  task_ptr task;
  MPI_Request request = MPI_REQUEST_NULL;
};

struct worker_rank {
  int rank = -1;  // in the pool's communicator's (remote) group
  std::string host;
  long pid = 0;
  int pidfd = -1;  // on this machine only: becomes readable when the worker dies
  bool dead = false;
  std::deque<sent_task> held;  // sent to it, oldest first (only the manager thread)
};

// A task's result or failure, published once the MPI lock is released (done-callbacks run
// user code, which may even destroy the pool).
struct done_item {
  task_ptr task;
  std::exception_ptr error;  // null: publish what task->prepare() decoded
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

std::string self_exe() {
  char path[4096] = {};
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw os_error(errno, "braid::mpi: readlink /proc/self/exe");
  return std::string(path, static_cast<std::size_t>(n));
}

std::string where(const worker_rank& w) {
  return "rank " + std::to_string(w.rank) + " on " + (w.host.empty() ? "?" : w.host);
}

}  // namespace

struct mpi_pool_executor::impl {
  explicit impl(mpi_pool_options& o)
      : rt(detail::ensure_runtime()),
        max_in_flight(o.max_in_flight_per_worker),
        max_poll(o.max_poll_interval) {
    if (max_in_flight == 0) throw value_error("max_in_flight_per_worker must be at least 1");
    if (rt.parent != MPI_COMM_NULL || rt.world_rank != 0) {
      throw invalid_state_error("braid::mpi: a pool can be made only on rank 0");
    }
    const bool has_world = rt.launched && rt.world_size > 1;
    mode = o.start == start_mode::automatic ? (has_world ? start_mode::world : start_mode::spawn)
                                            : o.start;
    if (mode == start_mode::world) {
      open_world(o, has_world);
    } else {
      open_spawned(o);
    }
    try {
      greet(o);
    } catch (...) {
      release_workers();
      throw;
    }
  }

  void open_world(const mpi_pool_options& o, bool has_world) {
    if (!has_world) {
      throw invalid_state_error(
          "braid::mpi: start_mode::world needs worker ranks: launch the program with "
          "mpirun -n N (N >= 2)");
    }
    std::lock_guard g(rt.lock);
    if (rt.world_pool_alive) {
      throw invalid_state_error(
          "braid::mpi: another pool already uses the world's worker ranks; shut it down first");
    }
    comm = rt.world;
    const std::size_t limit = o.max_workers == 0 ? SIZE_MAX : o.max_workers;
    for (int r = 1; r < rt.world_size && workers.size() < limit; ++r) {
      if (rt.dead[static_cast<std::size_t>(r)]) continue;
      workers.push_back(worker_rank{r});
    }
    if (workers.empty()) throw broken_mpi_pool("braid::mpi: every worker rank has died");
    rt.world_pool_alive = true;
  }

  void open_spawned(const mpi_pool_options& o) {
    const std::size_t n = o.max_workers == 0 ? multiprocessing::cpu_count() : o.max_workers;
    if (n > static_cast<std::size_t>(INT_MAX)) throw value_error("max_workers is too large");
    const std::string exe = self_exe();
    std::lock_guard g(rt.lock);
    MPI_Info info = MPI_INFO_NULL;
    if (!o.spawn_info.empty()) {
      MPI_Info_create(&info);
      for (const auto& [key, value] : o.spawn_info) MPI_Info_set(info, key.c_str(), value.c_str());
    }
    std::vector<int> codes(n, MPI_SUCCESS);
    std::vector<char> path(exe.begin(), exe.end());
    path.push_back('\0');
    const int rc = MPI_Comm_spawn(path.data(), MPI_ARGV_NULL, static_cast<int>(n), info, 0,
                                  MPI_COMM_SELF, &comm, codes.data());
    if (info != MPI_INFO_NULL) MPI_Info_free(&info);
    if (rc != MPI_SUCCESS) {
      comm = MPI_COMM_NULL;
      throw spawn_error("braid::mpi: MPI_Comm_spawn could not start " + std::to_string(n) +
                        " workers: " + detail::error_text(rc));
    }
    spawned = true;
    MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
    for (std::size_t r = 0; r < n; ++r) workers.push_back(worker_rank{static_cast<int>(r)});
  }

  // Sends every worker the hello and waits for each answer. Throws broken_mpi_pool naming the
  // first worker that refused.
  void greet(const mpi_pool_options& o) {
    detail::hello_message hello;
    hello.identity = mpd::this_binary();
    hello.initializer = o.initializer.encoded().bytes;
    hello.max_poll_us = std::max<std::int64_t>(1, o.max_poll_interval.count());
    const std::string bytes = mpd::encode_value(hello);
    std::lock_guard g(rt.lock);
    for (auto& w : workers) {
      check(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, w.rank, detail::hello,
                     comm),
            "sending the greeting");
    }
    std::string refused;
    const detail::ready_message here = detail::where_am_i();
    for (auto& w : workers) {
      MPI_Status st;
      check(MPI_Probe(w.rank, MPI_ANY_TAG, comm, &st), "waiting for a worker's answer");
      int count = 0;
      MPI_Get_count(&st, MPI_BYTE, &count);
      std::string body(static_cast<std::size_t>(count), '\0');
      check(MPI_Recv(body.data(), count, MPI_BYTE, w.rank, st.MPI_TAG, comm, MPI_STATUS_IGNORE),
            "receiving a worker's answer");
      if (st.MPI_TAG == detail::ready) {
        const auto m = mpd::decode_value<detail::ready_message>(body);
        w.host = m.host;
        w.pid = static_cast<long>(m.pid);
        if (m.machine == here.machine) {
          w.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(m.pid), 0));
        }
      } else {
        w.dead = true;  // not serving this pool: nothing more is sent to it but `end`
        if (refused.empty()) refused = "rank " + std::to_string(w.rank) + ": " + body;
      }
    }
    if (!refused.empty()) {
      throw broken_mpi_pool("braid::mpi: a worker cannot serve the pool: " + refused);
    }
  }

  void check(int rc, const char* what) {
    if (rc != MPI_SUCCESS) {
      throw broken_mpi_pool(std::string("braid::mpi: MPI failed ") + what + ": " +
                            detail::error_text(rc));
    }
  }

  // Ends the pool's hold on its workers: world workers wait for the next pool, spawned ones
  // exit. Workers that died are left alone.
  void release_workers() noexcept {
    std::lock_guard g(rt.lock);
    bool any_died = false;
    for (auto& w : workers) {
      if (w.pidfd >= 0) ::close(w.pidfd);
      w.pidfd = -1;
      // A worker that refused the pool (dead before it was ready, pid 0) still listens.
      const bool died = w.dead && w.pid != 0;
      any_died = any_died || died;
      if (died) continue;
      MPI_Send(nullptr, 0, MPI_BYTE, w.rank, spawned ? detail::quit : detail::end, comm);
    }
    if (spawned) {
      // Disconnecting waits for every worker to disconnect too: never with a dead one.
      if (!any_died) MPI_Comm_disconnect(&comm);
    } else {
      rt.world_pool_alive = false;
    }
  }

  void start(const std::shared_ptr<impl>& self) {
    try {
      manager = std::thread([self] { self->run(); });
    } catch (const std::system_error& e) {
      release_workers();
      throw os_error(e.code(), "braid::mpi: starting the pool's manager thread");
    }
  }

  // ---- the manager thread ----

  void run() noexcept {
    threading::set_current_thread_name("braid-mpi");
    detail::tighten_timer_slack();
    detail::backoff wait(max_poll);
    std::vector<done_item> done;
    std::vector<std::pair<worker_rank*, task_ptr>> to_send;
    for (;;) {
      bool progressed = false;
      {
        std::unique_lock lock(mutex);
        pick(to_send);
        if (to_send.empty() && held_total == 0) {
          if (closed && queue.empty()) break;
          idle = true;
          cv.wait(lock, [&] { return closed || !queue.empty(); });
          idle = false;
          continue;
        }
      }
      progressed = send_all(to_send, done);
      progressed = receive_all(done) || progressed;
      if (!progressed) progressed = watch_deaths(done);
      publish_all(done);
      if (progressed) {
        wait.reset();
        continue;
      }
      const auto pause = wait.step();
      if (pause.count() != 0) {
        std::unique_lock lock(mutex);
        if (queue.empty() || !has_room()) {
          idle = true;
          cv.wait_for(lock, pause, [&] { return !queue.empty() && has_room(); });
          idle = false;
        }
      }
    }
    release_workers();
  }

  // Under the mutex: whether some live worker can take another task.
  bool has_room() const {
    return std::any_of(workers.begin(), workers.end(), [&](const worker_rank& w) {
      return !w.dead && w.held.size() < max_in_flight;
    });
  }

  // Under the mutex: takes queued tasks for workers with room, least loaded first.
  void pick(std::vector<std::pair<worker_rank*, task_ptr>>& out) {
    while (!queue.empty()) {
      worker_rank* best = nullptr;
      for (auto& w : workers) {
        const std::size_t load = w.held.size() + planned(out, &w);
        if (w.dead || load >= max_in_flight) continue;
        if (best == nullptr || load < best->held.size() + planned(out, best)) best = &w;
      }
      if (best == nullptr) return;
      task_ptr t = std::move(queue.front());
      queue.pop_front();
      if (!t->start()) continue;  // cancelled while queued
      out.emplace_back(best, std::move(t));
    }
  }
  static std::size_t planned(const std::vector<std::pair<worker_rank*, task_ptr>>& out,
                             const worker_rank* w) {
    return static_cast<std::size_t>(
        std::count_if(out.begin(), out.end(), [&](const auto& p) { return p.first == w; }));
  }

  bool send_all(std::vector<std::pair<worker_rank*, task_ptr>>& to_send,
                std::vector<done_item>& done) {
    if (to_send.empty()) return false;
    std::lock_guard g(rt.lock);
    for (auto& [w, t] : to_send) {
      const std::string& bytes = t->call().bytes;
      sent_task s{std::move(t)};
      const int rc = MPI_Isend(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, w->rank,
                               detail::task, comm, &s.request);
      if (rc != MPI_SUCCESS) {
        done.push_back({std::move(s.task), std::make_exception_ptr(transfer_error(
                                               "braid::mpi: sending the task to " + where(*w) +
                                               " failed: " + detail::error_text(rc)))});
        continue;
      }
      w->held.push_back(std::move(s));
      ++held_total;
    }
    to_send.clear();
    return true;
  }

  bool receive_all(std::vector<done_item>& done) {
    if (held_total == 0) return false;
    bool any = false;
    std::lock_guard g(rt.lock);
    for (;;) {
      int flag = 0;
      MPI_Message msg;
      MPI_Status st;
      if (MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm, &flag, &msg, &st) != MPI_SUCCESS ||
          flag == 0) {
        return any;
      }
      int count = 0;
      MPI_Get_count(&st, MPI_BYTE, &count);
      std::string body(static_cast<std::size_t>(count), '\0');
      const int rc = MPI_Mrecv(body.data(), count, MPI_BYTE, &msg, MPI_STATUS_IGNORE);
      any = true;
      worker_rank* w = find(st.MPI_SOURCE);
      if (w == nullptr || w->held.empty()) continue;  // not ours: nothing waits for it
      sent_task s = std::move(w->held.front());
      w->held.pop_front();
      --held_total;
      MPI_Wait(&s.request, MPI_STATUS_IGNORE);  // it answered, so it has all the bytes
      if (rc != MPI_SUCCESS) {
        done.push_back({std::move(s.task), std::make_exception_ptr(transfer_error(
                                               "braid::mpi: receiving the result from " +
                                               where(*w) + " failed: " + detail::error_text(rc)))});
      } else if (st.MPI_TAG == detail::result) {
        s.task->prepare(body);
        done.push_back({std::move(s.task), nullptr});
      } else {
        done.push_back({std::move(s.task), remote_failure(*w, body)});
      }
    }
  }

  static std::exception_ptr remote_failure(const worker_rank& w, std::string_view body) {
    try {
      auto e = mpd::decode_failure(body);
      return std::make_exception_ptr(remote_error(std::move(e.type), std::move(e.message),
                                                  std::move(e.stack), w.rank, w.host));
    } catch (...) {
      return std::current_exception();
    }
  }

  worker_rank* find(int rank) {
    for (auto& w : workers) {
      if (w.rank == rank) return &w;
    }
    return nullptr;
  }

  // Looks at the pidfds of workers on this machine that hold tasks. True if one died.
  bool watch_deaths(std::vector<done_item>& done) {
    std::vector<pollfd> fds;
    std::vector<worker_rank*> who;
    for (auto& w : workers) {
      if (w.dead || w.pidfd < 0 || w.held.empty()) continue;
      fds.push_back({w.pidfd, POLLIN, 0});
      who.push_back(&w);
    }
    if (fds.empty() || ::poll(fds.data(), fds.size(), 0) <= 0) return false;
    bool any = false;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      any = true;
      bury(*who[i], done);
    }
    if (any &&
        std::all_of(workers.begin(), workers.end(), [](const worker_rank& w) { return w.dead; })) {
      break_pool("braid::mpi: every worker rank of the pool has died", done);
    }
    return any;
  }

  void bury(worker_rank& w, std::vector<done_item>& done) {
    w.dead = true;
    const std::size_t n = w.held.size();
    const std::string text = "braid::mpi: worker " + where(w) + " (pid " + std::to_string(w.pid) +
                             ") died holding " + std::to_string(n) + (n == 1 ? " task" : " tasks");
    std::lock_guard g(rt.lock);
    if (!spawned) rt.dead[static_cast<std::size_t>(w.rank)] = true;
    rt.any_death = true;
    for (auto& s : w.held) {
      // MPI may still read a send to the dead rank that never completed: keep its bytes.
      if (s.request != MPI_REQUEST_NULL) rt.orphans.push_back(s.task);
      done.push_back({s.task, std::make_exception_ptr(rank_died(w.rank, w.host, w.pid, n, text))});
    }
    held_total -= n;
    w.held.clear();
  }

  void break_pool(const std::string& why, std::vector<done_item>& done) {
    std::lock_guard lock(mutex);
    broken = why;
    for (auto& t : queue)
      done.push_back({std::move(t), std::make_exception_ptr(broken_mpi_pool(why))});
    queue.clear();
    closed = true;
  }

  // ---- called by users ----

  void schedule(task_ptr task) {
    if (task->call().bytes.size() > static_cast<std::size_t>(INT_MAX)) {
      throw transfer_error("braid::mpi: a call of 2 GiB or more cannot be sent to a rank");
    }
    if (!task->call().fds.empty()) {
      throw transfer_error(
          "braid::mpi: a connection (file descriptor) cannot travel to an MPI rank, which may run "
          "on another machine");
    }
    std::lock_guard lock(mutex);
    if (!broken.empty()) throw broken_mpi_pool(broken);
    if (closed) throw futures::executor_shutdown_error();
    queue.push_back(std::move(task));
    if (idle) cv.notify_one();
  }

  void shutdown(bool wait, bool cancel_futures) noexcept {
    std::deque<task_ptr> cancelled;
    {
      std::lock_guard lock(mutex);
      closed = true;
      if (cancel_futures) cancelled.swap(queue);
      cv.notify_one();
    }
    for (auto& t : cancelled) t->cancel();
    if (!wait || std::this_thread::get_id() == manager.get_id()) return;
    std::lock_guard j(join_mutex);
    if (manager.joinable()) manager.join();
  }

  runtime& rt;
  const std::size_t max_in_flight;
  const std::chrono::nanoseconds max_poll;
  start_mode mode = start_mode::world;
  MPI_Comm comm = MPI_COMM_NULL;
  bool spawned = false;
  std::vector<worker_rank> workers;  // fixed once started; `held` is the manager's
  std::size_t held_total = 0;        // the manager thread's
  std::thread manager;
  std::mutex join_mutex;

  std::mutex mutex;  // guards the queue and the flags below
  std::condition_variable cv;
  std::deque<task_ptr> queue;
  bool closed = false;
  bool idle = false;   // the manager waits on cv
  std::string broken;  // why the pool is broken, or empty
};

mpi_pool_executor::mpi_pool_executor(mpi_pool_options options)
    : impl_(std::make_shared<impl>(options)) {
  impl_->start(impl_);
}

mpi_pool_executor::mpi_pool_executor(std::size_t max_workers)
    : mpi_pool_executor(mpi_pool_options{.max_workers = max_workers}) {}

mpi_pool_executor::~mpi_pool_executor() {
  if (std::this_thread::get_id() == impl_->manager.get_id()) {
    // From a done-callback: the manager thread winds the pool down and frees it on its own.
    impl_->shutdown(false, false);
    impl_->manager.detach();
    return;
  }
  impl_->shutdown(true, false);
}

void mpi_pool_executor::schedule(std::shared_ptr<multiprocessing::detail::task_base> task) {
  impl_->schedule(std::move(task));
}

void mpi_pool_executor::shutdown(bool wait, bool cancel_futures) noexcept {
  impl_->shutdown(wait, cancel_futures);
}

std::size_t mpi_pool_executor::max_workers() const noexcept {
  return impl_->workers.size();
}

std::vector<int> mpi_pool_executor::worker_ranks() const {
  std::vector<int> ranks;
  for (const auto& w : impl_->workers) ranks.push_back(w.rank);
  return ranks;
}

start_mode mpi_pool_executor::mode() const noexcept {
  return impl_->mode;
}

}  // namespace braid::mpi
