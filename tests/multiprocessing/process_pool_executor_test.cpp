#include "braid/multiprocessing/process_pool_executor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "braid/error.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/futures/wait.hpp"
#include "braid/multiprocessing/connection.hpp"
#include "braid/multiprocessing/pool.hpp"
#include "multiprocessing/leak_check.hpp"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BRAID_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BRAID_TEST_SANITIZED 1
#endif
#endif

namespace mp = braid::multiprocessing;
namespace futures = braid::futures;

namespace {

using process_pool_executor_test = braid_test::leak_checked;

int square(int x) {
  return x * x;
}
std::string shout(std::string s, int n) {
  return s + std::string(static_cast<std::size_t>(n), '!');
}
int my_pid() {
  return static_cast<int>(::getpid());
}

bool file_exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}
void touch(const std::string& path) {
  std::ofstream(path) << "x";
}

// Workload for a worker: waits (polling, in the worker) until `path` exists.
int wait_for_file(std::string path) {
  while (!file_exists(path)) ::usleep(1000);
  return 1;
}

std::string temp_path(const std::string& tag) {
  return (std::filesystem::temp_directory_path() /
          ("braid-mp-test-" + std::to_string(::getpid()) + "-" + tag))
      .string();
}

// Aborts once `path` exists.
int abort_when_file(std::string path) {
  wait_for_file(path);
  std::abort();
}

// Aborts once `gate` exists, the first time (when `marker` does not exist); then returns 42.
int abort_once_when_file(std::string gate, std::string marker) {
  if (file_exists(marker)) return 42;
  wait_for_file(gate);
  touch(marker);
  std::abort();
}

std::size_t echo_size(std::string s) {
  return s.size();
}
std::string make_big(int i) {
  return std::string(std::size_t{3} << 20, static_cast<char>('a' + i % 26));
}

struct custom_error : std::exception {
  const char* what() const noexcept override { return "custom failure"; }
};

int g_initialized = 0;
void init_worker(int value) {
  g_initialized = value;
}
int read_initialized() {
  return g_initialized;
}
void init_throws() {
  throw std::logic_error("no config");
}

// Crashes on the first attempt (when the marker does not exist yet), succeeds afterwards.
int crash_once(std::string marker) {
  if (!file_exists(marker)) {
    touch(marker);
    std::abort();
  }
  return 42;
}

struct unsendable {
  int x = 0;
  template <class A>
  void save(A&) const {
    throw std::runtime_error("cannot encode unsendable");
  }
  template <class A>
  void load(A&) {}
};

std::size_t count_connections(std::vector<mp::connection> cs) {
  return cs.size();
}

// `n` connections on /dev/null (each travels as a descriptor).
std::vector<mp::connection> null_connections(std::size_t n) {
  std::vector<mp::connection> cs;
  for (std::size_t i = 0; i < n; ++i) cs.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  return cs;
}

}  // namespace

TEST_F(process_pool_executor_test, SubmitRunsFunctionsAndLambdasInOtherProcesses) {
  mp::process_pool_executor pool(2);
  EXPECT_EQ(pool.submit(square, 7).result(), 49);
  EXPECT_EQ(pool.submit(&shout, std::string("hi"), 3).result(), "hi!!!");
  EXPECT_EQ(
      pool.submit([](std::vector<int> v) { return v.size(); }, std::vector<int>{1, 2, 3}).result(),
      3u);
  EXPECT_NE(pool.submit(my_pid).result(), static_cast<int>(::getpid()));
  pool.submit([] {}).result();  // void results
}

TEST_F(process_pool_executor_test, ExceptionsComeBackWithTypeMessageAndStack) {
  mp::process_pool_executor pool(1);
  auto expect_remote = [&](auto fut, const std::string& type, const std::string& message) {
    try {
      fut.result();
      ADD_FAILURE() << "no exception";
    } catch (const mp::remote_error& e) {
      EXPECT_EQ(e.type_name(), type);
      EXPECT_EQ(e.message(), message);
      EXPECT_FALSE(e.stack().empty());
      EXPECT_EQ(std::string(e.what()), type + ": " + message);
    }
  };
  expect_remote(
      pool.submit([](int i) -> int { return std::vector<int>{}.at(static_cast<std::size_t>(i)); },
                  3),
      "std::out_of_range", "vector::_M_range_check: __n (which is 3) >= this->size() (which is 0)");
  expect_remote(pool.submit([] { throw std::runtime_error("bad thing"); }), "std::runtime_error",
                "bad thing");
  expect_remote(pool.submit([] { throw custom_error(); }), "(anonymous namespace)::custom_error",
                "custom failure");
  expect_remote(pool.submit([] { throw 7; }), "int", "(not a std::exception)");
  // The worker survived all of that.
  EXPECT_EQ(pool.submit(square, 3).result(), 9);
  EXPECT_EQ(pool.workers_started(), 1u);
}

TEST_F(process_pool_executor_test, EachKindOfCrashFailsOnlyItsTaskAndThePoolGoesOn) {
  mp::process_pool_executor pool(2);
  auto check = [](auto fut, int sig, int code) {
    try {
      fut.result();
      ADD_FAILURE() << "no exception";
    } catch (const mp::worker_died& e) {
      EXPECT_EQ(e.signal(), sig) << e.what();
      EXPECT_EQ(e.exit_code(), code) << e.what();
      EXPECT_GT(e.pid(), 0);
    }
  };
  check(pool.submit([] { std::abort(); }), SIGABRT, -1);
#ifdef BRAID_TEST_SANITIZED
  // A sanitizer catches the segfault, reports it and ends the worker its own way.
  EXPECT_THROW(pool.submit([] { ::raise(SIGSEGV); }).result(), mp::worker_died);
#else
  check(pool.submit([] { ::raise(SIGSEGV); }), SIGSEGV, -1);
#endif
  check(pool.submit([] { ::kill(::getpid(), SIGKILL); }), SIGKILL, -1);
  check(pool.submit([] { std::exit(3); }), 0, 3);
  std::vector<futures::future<int>> ok;
  for (int i = 0; i < 20; ++i) ok.push_back(pool.submit(square, i));
  auto bad = pool.submit([] { std::abort(); });
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ok[static_cast<std::size_t>(i)].result(), i * i);
  check(std::move(bad), SIGABRT, -1);
  EXPECT_EQ(pool.submit(square, 5).result(), 25);
}

TEST_F(process_pool_executor_test, MaxRetriesRestartsATaskWhoseWorkerDied) {
  const std::string marker = temp_path("retry");
  ::unlink(marker.c_str());
  mp::process_pool_options options;
  options.max_workers = 1;
  options.max_retries = 1;
  mp::process_pool_executor pool(std::move(options));
  EXPECT_EQ(pool.submit(crash_once, marker).result(), 42);
  EXPECT_EQ(pool.workers_started(), 2u);
  ::unlink(marker.c_str());
}

TEST_F(process_pool_executor_test, RecyclingWithABacklogFarLargerThanWorkersTimesLimit) {
  mp::process_pool_executor pool(2, {}, 3);
  std::vector<futures::future<int>> results;
  for (int i = 0; i < 300; ++i) results.push_back(pool.submit(square, i));
  for (int i = 0; i < 300; ++i) EXPECT_EQ(results[static_cast<std::size_t>(i)].result(), i * i);
  EXPECT_GE(pool.workers_started(), 100u);
}

TEST_F(process_pool_executor_test, WorksFromAProgramThatAlreadyRunsAThreadPool) {
  futures::thread_pool_executor threads(4);
  std::latch all_running(4), release(1);
  std::vector<futures::future<void>> busy;
  for (int i = 0; i < 4; ++i) {
    busy.push_back(threads.submit([&] {
      all_running.count_down();
      release.wait();
    }));
  }
  all_running.wait();  // four threads are running (and holding whatever they hold)
  {
    mp::process_pool_executor pool(2);
    auto from_threads = threads.submit([&pool] { return pool.submit(square, 6).result(); });
    EXPECT_EQ(pool.submit(square, 4).result(), 16);
    release.count_down();
    EXPECT_EQ(from_threads.result(), 36);
  }
  for (auto& f : busy) f.result();
}

TEST_F(process_pool_executor_test, QueuedWorkCanBeCancelled) {
  for (std::size_t in_flight : {1u, 2u}) {
    const std::string gate = temp_path("gate");
    ::unlink(gate.c_str());
    mp::process_pool_options options;
    options.max_workers = 1;
    options.max_in_flight_per_worker = in_flight;
    mp::process_pool_executor pool(std::move(options));
    auto blocker = pool.submit(wait_for_file, gate);
    while (!blocker.running()) std::this_thread::yield();  // given to the worker
    std::vector<futures::future<int>> queued;
    for (int i = 0; i < 5; ++i) queued.push_back(pool.submit(square, i));
    // With 2 in flight, the first is already sent behind the blocker: it cannot be cancelled.
    const std::size_t sent = in_flight - 1;
    for (std::size_t i = 0; i < queued.size(); ++i) EXPECT_EQ(queued[i].cancel(), i >= sent) << i;
    auto last = pool.submit(square, 9);
    touch(gate);
    EXPECT_EQ(blocker.result(), 1);
    EXPECT_EQ(last.result(), 81);
    for (std::size_t i = 0; i < queued.size(); ++i) {
      if (i < sent) {
        EXPECT_EQ(queued[i].result(), 0);
      } else {
        EXPECT_TRUE(queued[i].cancelled());
      }
    }
    ::unlink(gate.c_str());
  }
}

TEST_F(process_pool_executor_test, ShutdownWithCancelFuturesCancelsTheQueue) {
  const std::string gate = temp_path("gate2");
  ::unlink(gate.c_str());
  mp::process_pool_executor pool(1);
  auto blocker = pool.submit(wait_for_file, gate);
  while (!blocker.running()) std::this_thread::yield();  // given to the worker
  std::vector<futures::future<int>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(pool.submit(square, i));
  pool.shutdown(false, true);
  EXPECT_THROW(pool.submit(square, 1), futures::executor_shutdown_error);
  EXPECT_TRUE(queued[0].running());  // sent behind the blocker (2 in flight per worker)
  for (std::size_t i = 1; i < queued.size(); ++i) EXPECT_TRUE(queued[i].cancelled());
  touch(gate);
  EXPECT_EQ(blocker.result(), 1);
  EXPECT_EQ(queued[0].result(), 0);
  pool.shutdown();
  ::unlink(gate.c_str());
}

TEST_F(process_pool_executor_test, ADeathFailsEveryTaskSentToThatWorker) {
  const std::string gate = temp_path("gate3");
  ::unlink(gate.c_str());
  mp::process_pool_executor pool(1);
  auto crashing = pool.submit(abort_when_file, gate);
  while (!crashing.running()) std::this_thread::yield();
  auto behind = pool.submit(square, 3);        // sent behind it: outstanding on the same worker
  auto queued_later = pool.submit(square, 4);  // over the in-flight limit: stays queued
  EXPECT_TRUE(behind.running());
  touch(gate);
  int pid = 0;
  for (auto* f : {&crashing, &behind}) {
    try {
      f->result();
      ADD_FAILURE() << "no exception";
    } catch (const mp::worker_died& e) {
      EXPECT_EQ(e.signal(), SIGABRT);
      if (pid == 0) pid = e.pid();
      EXPECT_EQ(e.pid(), pid);
    }
  }
  EXPECT_EQ(queued_later.result(), 16);  // ran on the replacement
  EXPECT_EQ(pool.submit(square, 5).result(), 25);
  EXPECT_EQ(pool.workers_started(), 2u);
  ::unlink(gate.c_str());
}

TEST_F(process_pool_executor_test, MaxRetriesRestartsEveryTaskSentToADeadWorker) {
  const std::string gate = temp_path("gate4"), marker = temp_path("retry2");
  ::unlink(gate.c_str());
  ::unlink(marker.c_str());
  mp::process_pool_options options;
  options.max_workers = 1;
  options.max_retries = 1;
  mp::process_pool_executor pool(std::move(options));
  auto crashing = pool.submit(abort_once_when_file, gate, marker);
  while (!crashing.running()) std::this_thread::yield();
  auto behind = pool.submit(square, 3);
  EXPECT_TRUE(behind.running());
  touch(gate);
  EXPECT_EQ(crashing.result(), 42);
  EXPECT_EQ(behind.result(), 9);
  EXPECT_EQ(pool.workers_started(), 2u);
  ::unlink(gate.c_str());
  ::unlink(marker.c_str());
}

TEST_F(process_pool_executor_test, PipeliningNeverExceedsTheRecyclingBudget) {
  mp::process_pool_executor pool(2, {}, 3);
  std::vector<futures::future<int>> pids;
  for (int i = 0; i < 90; ++i) pids.push_back(pool.submit(my_pid));
  std::map<int, int> per_worker;
  for (auto& f : pids) ++per_worker[f.result()];
  for (const auto& [pid, n] : per_worker) EXPECT_LE(n, 3) << pid;
  EXPECT_GE(per_worker.size(), 30u);
}

TEST_F(process_pool_executor_test, LargeTasksAreNotQueuedBehindARunningOne) {
  const std::string gate = temp_path("gate5");
  ::unlink(gate.c_str());
  mp::process_pool_executor pool(1);
  auto blocker = pool.submit(wait_for_file, gate);
  while (!blocker.running()) std::this_thread::yield();
  auto large = pool.submit(echo_size, std::string(std::size_t{256} << 10, 'x'));
  EXPECT_FALSE(large.running());  // waits in the pool's queue, still cancellable
  touch(gate);
  EXPECT_EQ(large.result(), std::size_t{256} << 10);
  EXPECT_EQ(blocker.result(), 1);
  ::unlink(gate.c_str());
}

TEST_F(process_pool_executor_test, LargeResultsWhileTasksArePipelined) {
  // The worker writes big results while the parent sends it more tasks: neither may wait for
  // the other.
  mp::process_pool_executor pool(2);
  std::vector<futures::future<std::string>> results;
  for (int i = 0; i < 40; ++i) results.push_back(pool.submit(make_big, i));
  for (int i = 0; i < 40; ++i) {
    const std::string r = results[static_cast<std::size_t>(i)].result();
    ASSERT_EQ(r.size(), std::size_t{3} << 20);
    EXPECT_EQ(r.front(), static_cast<char>('a' + i % 26));
  }
}

TEST_F(process_pool_executor_test, TerminateAndKillWorkersFailRunningTasks) {
  for (bool kill : {false, true}) {
    const std::string gate = temp_path("never");
    mp::process_pool_executor pool(2);
    auto a = pool.submit(wait_for_file, gate);
    auto b = pool.submit(wait_for_file, gate);
    auto queued = pool.submit(square, 2);
    while (pool.worker_pids().size() < 2) std::this_thread::yield();
    if (kill) {
      pool.kill_workers();
    } else {
      pool.terminate_workers();
    }
    EXPECT_THROW(a.result(), mp::worker_died);
    EXPECT_THROW(b.result(), mp::worker_died);
    EXPECT_TRUE(queued.cancelled() || queued.done());
    EXPECT_THROW(pool.submit(square, 1), futures::executor_shutdown_error);
  }
}

TEST_F(process_pool_executor_test, MapKeepsInputOrderWithAnyChunksize) {
  mp::process_pool_executor pool(2);
  std::vector<int> inputs;
  for (int i = 0; i < 1000; ++i) inputs.push_back(i);
  for (std::size_t chunk : {1u, 7u, 1000u, 5000u}) {
    std::vector<int> out;
    for (int r : pool.map(square, inputs, {.chunksize = chunk})) out.push_back(r);
    ASSERT_EQ(out.size(), inputs.size());
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(out[static_cast<std::size_t>(i)], i * i);
  }
}

TEST_F(process_pool_executor_test, MapUnorderedYieldsEveryResult) {
  mp::process_pool_executor pool(2);
  long sum = 0;
  std::size_t n = 0;
  for (int r :
       pool.map_unordered(square, std::vector<int>{1, 2, 3, 4, 5, 6, 7}, {.chunksize = 2})) {
    sum += r;
    ++n;
  }
  EXPECT_EQ(n, 7u);
  EXPECT_EQ(sum, 140);
}

TEST_F(process_pool_executor_test, MapRethrowsTheFirstFailedChunk) {
  mp::process_pool_executor pool(2);
  std::vector<int> seen;
  auto fails_at_5 = [](int x) {
    if (x == 5) throw std::invalid_argument("five");
    return x;
  };
  try {
    for (int r : pool.map(fails_at_5, std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}, {.chunksize = 2})) {
      seen.push_back(r);
    }
    ADD_FAILURE() << "no exception";
  } catch (const mp::remote_error& e) {
    EXPECT_EQ(e.type_name(), "std::invalid_argument");
  }
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));
}

TEST_F(process_pool_executor_test, InitializerRunsInEveryWorker) {
  mp::process_pool_executor pool(2, {init_worker, 17});
  EXPECT_EQ(pool.submit(read_initialized).result(), 17);
  EXPECT_EQ(g_initialized, 0);  // not in this process
}

TEST_F(process_pool_executor_test, AThrowingInitializerBreaksThePool) {
  mp::process_pool_executor pool(1, init_throws);
  auto f = pool.submit(square, 2);
  EXPECT_THROW(f.result(), mp::broken_process_pool);
  EXPECT_THROW(pool.submit(square, 2), mp::broken_process_pool);
}

TEST_F(process_pool_executor_test, AValueThatFailsToSerialiseThrowsFromSubmit) {
  mp::process_pool_executor pool(1);
  EXPECT_THROW(pool.submit([](unsendable) {}, unsendable{}), std::runtime_error);
  EXPECT_EQ(pool.workers_started(), 0u);
  static_assert(!mp::detail::can_send_v<int*>);
  static_assert(mp::detail::can_send_v<std::vector<std::string>>);
}

TEST_F(process_pool_executor_test, FuturesWorkWithWaitAndAsCompleted) {
  mp::process_pool_executor pool(2);
  std::vector<futures::future<int>> fs;
  for (int i = 0; i < 6; ++i) fs.push_back(pool.submit(square, i));
  auto [done, not_done] = futures::wait(fs);
  EXPECT_EQ(done.size(), 6u);
  EXPECT_TRUE(not_done.empty());
}

TEST_F(process_pool_executor_test, ForkStartMethodRunsTasks) {
  if (mp::detail::thread_count() != 1) GTEST_SKIP() << "a runtime thread exists";
  mp::process_pool_executor pool(2, {}, 2, mp::start_method::fork);
  std::vector<futures::future<int>> fs;
  for (int i = 0; i < 10; ++i) fs.push_back(pool.submit(square, i));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(fs[static_cast<std::size_t>(i)].result(), i * i);
  EXPECT_EQ(pool.submit([] { std::abort(); }).exception() != nullptr, true);
}

TEST_F(process_pool_executor_test, ForkStartMethodRefusesAThreadedProcess) {
  std::latch started(1), release(1);
  std::thread t([&] {
    started.count_down();
    release.wait();
  });
  started.wait();
  EXPECT_THROW(mp::process_pool_executor(1, {}, 0, mp::start_method::fork), mp::start_method_error);
  release.count_down();
  t.join();
}

// The pool's manager thread runs done-callbacks: destroying the pool there must not free the
// state that thread still uses (ASan reported a heap-use-after-free in the manager's loop).
TEST_F(process_pool_executor_test, DestroyedFromItsOwnDoneCallback) {
  auto* pool = new mp::process_pool_executor(1);
  std::latch destroyed(1);
  auto f = pool->submit(square, 2);
  auto later = pool->submit(square, 3);  // still owed to its future after the pool is gone
  f.add_done_callback([&] {
    delete pool;  // on the manager thread (or here, if already done)
    destroyed.count_down();
  });
  destroyed.wait();
  EXPECT_EQ(f.result(), 4);
  EXPECT_EQ(later.result(), 9);
  // The manager thread finishes on its own: it reaps the worker, then frees the pool's state.
  while (mp::detail::manager_thread_count() > 0) std::this_thread::yield();
}

// More descriptors than one message may carry: that task's future fails with a typed error
// (it used to stay counted as running for ever, so shutdown(true) never returned).
TEST_F(process_pool_executor_test, ATaskWithTooManyDescriptorsFailsAndThePoolGoesOn) {
  mp::process_pool_executor pool(1);
  EXPECT_EQ(pool.submit(count_connections, null_connections(64)).result(), 64u);
  auto f = pool.submit(count_connections, null_connections(65));
  ASSERT_TRUE(f.wait_for(std::chrono::seconds(30)));
  EXPECT_THROW(f.result(), mp::transfer_error);
  EXPECT_EQ(pool.submit(square, 5).result(), 25);
  pool.shutdown(true);
}

namespace {

// Sets a signal's disposition for a scope.
class scoped_disposition {
 public:
  scoped_disposition(int sig, void (*handler)(int)) : sig_(sig) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig_, &sa, &old_);
  }
  ~scoped_disposition() { ::sigaction(sig_, &old_, nullptr); }
  scoped_disposition(const scoped_disposition&) = delete;
  scoped_disposition& operator=(const scoped_disposition&) = delete;

 private:
  int sig_;
  struct sigaction old_ {};
};

// In the worker: whether SIGTERM and SIGINT act by default and SIGUSR1 is not blocked.
bool signals_are_default() {
  struct sigaction term {
  }, intr{};
  ::sigaction(SIGTERM, nullptr, &term);
  ::sigaction(SIGINT, nullptr, &intr);
  sigset_t mask;
  ::sigprocmask(SIG_SETMASK, nullptr, &mask);
  return term.sa_handler == SIG_DFL && intr.sa_handler == SIG_DFL &&
         sigismember(&mask, SIGUSR1) == 0;
}

// fork first: it needs a single-threaded process, and the spawn round leaves threads behind
// for a while (the pool's manager thread; ThreadSanitizer's own once it has run).
std::vector<mp::start_method> usable_start_methods() {
  std::vector<mp::start_method> methods;
  if (mp::detail::thread_count() == 1) methods.push_back(mp::start_method::fork);
  methods.push_back(mp::start_method::spawn);
  return methods;
}

}  // namespace

// With SIGCHLD ignored the kernel reaps children itself and waitpid fails (ECHILD): a dead
// worker's exit status is then unknown, and must be reported as such, not as garbage.
TEST_F(process_pool_executor_test, AnIgnoredSigchldMakesTheExitStatusUnknownNotGarbage) {
  for (const mp::start_method method : usable_start_methods()) {
    scoped_disposition ignore(SIGCHLD, SIG_IGN);
    mp::process_pool_options options;
    options.max_workers = 1;
    options.method = method;
    mp::process_pool_executor pool(std::move(options));
    try {
      pool.submit([] { std::exit(3); }).result();
      ADD_FAILURE() << "no exception";
    } catch (const mp::worker_died& e) {
      EXPECT_EQ(e.signal(), 0) << e.what();
      if (method == mp::start_method::fork) {  // the fork server reaps its workers itself
        EXPECT_TRUE(e.exit_status_known()) << e.what();
        EXPECT_EQ(e.exit_code(), 3) << e.what();
      } else {
        EXPECT_FALSE(e.exit_status_known()) << e.what();
        EXPECT_EQ(e.exit_code(), -1) << e.what();
        EXPECT_NE(std::string(e.what()).find("exit status is unknown"), std::string::npos)
            << e.what();
      }
    }
    EXPECT_EQ(pool.submit(square, 6).result(), 36);  // the pool goes on
    pool.shutdown(true);                             // and stops without hanging
  }
}

// Workers must not inherit the parent's ignored signals or signal mask: an ignored SIGTERM
// made terminate_workers() wait for ever.
TEST_F(process_pool_executor_test, WorkersStartWithDefaultSignalsAndAnEmptyMask) {
  for (const mp::start_method method : usable_start_methods()) {
    scoped_disposition ignore_term(SIGTERM, SIG_IGN), ignore_int(SIGINT, SIG_IGN);
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    ::sigprocmask(SIG_BLOCK, &usr1, &old);
    {
      mp::process_pool_options options;
      options.max_workers = 1;
      options.method = method;
      mp::process_pool_executor pool(std::move(options));
      const bool defaults = pool.submit(signals_are_default).result();
      EXPECT_TRUE(defaults);
      if (defaults) {  // else SIGTERM is ignored and terminate_workers() would never return
        const std::string gate = temp_path("never-sig");
        auto stuck = pool.submit(wait_for_file, gate);
        while (!stuck.running()) std::this_thread::yield();
        pool.terminate_workers();
        try {
          stuck.result();
          ADD_FAILURE() << "no exception";
        } catch (const mp::worker_died& e) {
          EXPECT_EQ(e.signal(), SIGTERM) << e.what();
        }
      }
    }
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
  }
}

// A thread blocked in result() reads its own answer from the worker's socket; a wait that times
// out gives the socket back, so the manager thread still delivers the result (and runs the
// done-callbacks) when nobody waits.
TEST_F(process_pool_executor_test, AWaitThatTimesOutLeavesTheResultToTheManagerThread) {
  const std::string gate = temp_path("gate-timeout");
  ::unlink(gate.c_str());
  mp::process_pool_executor pool(1);
  auto f = pool.submit(wait_for_file, gate);
  while (!f.running()) std::this_thread::yield();
  EXPECT_THROW(f.result(std::chrono::milliseconds(1)), futures::timeout_error);
  std::latch called(1);
  std::thread::id callback_thread;
  f.add_done_callback([&](const futures::future<int>&) {
    callback_thread = std::this_thread::get_id();
    called.count_down();
  });
  touch(gate);
  called.wait();  // not f.wait(): that would read the answer on this thread
  EXPECT_NE(callback_thread, std::this_thread::get_id());
  EXPECT_EQ(f.result(), 1);
  ::unlink(gate.c_str());
}

// Several threads wait in result() for tasks held by one worker (pipelined): whichever reads
// the socket publishes every answer it finds, and each thread gets its own.
TEST_F(process_pool_executor_test, ThreadsWaitingForTasksOfOneWorkerEachGetTheirOwnResult) {
  const std::string gate = temp_path("gate-waiters");
  ::unlink(gate.c_str());
  mp::process_pool_options options;
  options.max_workers = 1;
  options.max_in_flight_per_worker = 4;
  mp::process_pool_executor pool(std::move(options));
  auto first = pool.submit(wait_for_file, gate);
  while (!first.running()) std::this_thread::yield();
  std::vector<futures::future<int>> behind;
  for (int i = 0; i < 3; ++i) behind.push_back(pool.submit(square, i + 2));
  std::vector<int> got(3, 0);
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      got[static_cast<std::size_t>(i)] = behind[static_cast<std::size_t>(i)].result();
    });
  }
  touch(gate);
  EXPECT_EQ(first.result(), 1);
  for (auto& t : waiters) t.join();
  EXPECT_EQ(got, (std::vector<int>{4, 9, 16}));
  ::unlink(gate.c_str());
}

// A thread reading its own answer notices its worker's death (its pidfd) and the manager thread
// fails the task as usual.
TEST_F(process_pool_executor_test, AWaiterReadingItsAnswerSeesTheWorkerDie) {
  const std::string gate = temp_path("gate-waiter-death");
  ::unlink(gate.c_str());
  mp::process_pool_executor pool(1);
  auto f = pool.submit(abort_when_file, gate);
  while (!f.running()) std::this_thread::yield();
  std::thread toucher([&] { touch(gate); });
  EXPECT_THROW(f.result(), mp::worker_died);
  toucher.join();
  EXPECT_EQ(pool.submit(square, 6).result(), 36);
  ::unlink(gate.c_str());
}

// A backlog of many small tasks travels to a worker in batches (beyond max_in_flight_per_worker);
// every result still arrives, and with max_in_flight_per_worker 1 nothing is sent ahead, so the
// whole backlog stays cancellable.
TEST_F(process_pool_executor_test, ADeepBacklogTravelsInBatchesUnlessPipeliningIsOff) {
  for (std::size_t in_flight : {1u, 2u}) {
    const std::string gate = temp_path("gate-backlog");
    ::unlink(gate.c_str());
    mp::process_pool_options options;
    options.max_workers = 1;
    options.max_in_flight_per_worker = in_flight;
    mp::process_pool_executor pool(std::move(options));
    auto blocker = pool.submit(wait_for_file, gate);
    while (!blocker.running()) std::this_thread::yield();
    std::vector<futures::future<int>> backlog;
    for (int i = 0; i < 200; ++i) backlog.push_back(pool.submit(square, i));
    if (in_flight == 1) {
      for (auto& f : backlog) EXPECT_TRUE(f.cancel());
    }
    touch(gate);
    EXPECT_EQ(blocker.result(), 1);
    for (int i = 0; i < 200; ++i) {
      auto& f = backlog[static_cast<std::size_t>(i)];
      if (in_flight == 1) {
        EXPECT_TRUE(f.cancelled());
      } else {
        EXPECT_EQ(f.result(), i * i);
      }
    }
    ::unlink(gate.c_str());
  }
}

// Python raises ValueError for max_workers <= 0; the default (left out) is cpu_count().
TEST_F(process_pool_executor_test, MaxWorkersZeroOrNegativeIsAValueError) {
  EXPECT_THROW(mp::process_pool_executor(0), braid::value_error);
  EXPECT_THROW(mp::process_pool_executor(static_cast<std::size_t>(-1)), braid::value_error);
  mp::process_pool_options options;
  EXPECT_EQ(options.max_workers, mp::cpu_count());
  options.max_workers = 0;
  EXPECT_THROW(mp::process_pool_executor{std::move(options)}, braid::value_error);
  EXPECT_THROW(mp::pool(0), braid::value_error);
  EXPECT_EQ(mp::process_pool_executor().max_workers(), mp::cpu_count());
}
