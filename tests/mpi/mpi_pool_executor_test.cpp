// braid::mpi::mpi_pool_executor. Every case runs as its own MPI job (tests/mpi/CMakeLists.txt):
// under `mpirun -n 3`, rank 0 runs the case and ranks 1 and 2 are the workers; the Spawn cases
// run without mpirun and start their workers with MPI_Comm_spawn. Gates between rank 0 and a
// task are named pipes (every rank runs on this machine): a blocked task reads a byte the test
// writes, never a timed wait.

#include "braid/mpi/mpi_pool_executor.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "braid/futures/wait.hpp"
#include "braid/mpi/errors.hpp"

namespace mpi = braid::mpi;
namespace futures = braid::futures;
namespace asyncio = braid::asyncio;

static_assert(futures::executor_like<mpi::mpi_pool_executor>);

namespace {

int square(int x) {
  return x * x;
}

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

// The rank and host a task ran on, as the worker sees them.
std::pair<int, std::string> where_it_runs(int) {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  return {rank != nullptr ? std::atoi(rank) : -1, host_name()};
}

// Two named pipes in the system's temp directory: a task says on `started` that it runs, then
// waits on `go` until the test writes a byte there.
class gate {
 public:
  gate() : started_(make("started")), go_(make("go")) {
    // O_RDWR never blocks, and keeps each pipe open for the tasks' ends.
    started_fd_ = ::open(started_.c_str(), O_RDWR);
    go_fd_ = ::open(go_.c_str(), O_RDWR);
  }
  ~gate() {
    ::close(started_fd_);
    ::close(go_fd_);
    ::unlink(started_.c_str());
    ::unlink(go_.c_str());
  }
  const std::string& started() const { return started_; }
  const std::string& go() const { return go_; }
  // Blocks until `tasks` tasks have said they run.
  void wait_started(int tasks) {
    for (int i = 0; i < tasks; ++i) {
      char c = 0;
      ASSERT_EQ(::read(started_fd_, &c, 1), 1);
    }
  }
  void open(int tasks) {
    const std::string bytes(static_cast<std::size_t>(tasks), 'x');
    EXPECT_EQ(::write(go_fd_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }

 private:
  static std::string make(const char* what) {
    static int n = 0;
    std::string path = std::string(::testing::TempDir()) + "braid_mpi_" + what + "_" +
                       std::to_string(::getpid()) + "_" + std::to_string(n++);
    ::unlink(path.c_str());
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0);
    return path;
  }
  std::string started_, go_;
  int started_fd_ = -1, go_fd_ = -1;
};

void pipe_byte(const std::string& path, bool write) {
  const int fd = ::open(path.c_str(), write ? O_WRONLY : O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  char c = 'x';
  const ssize_t n = write ? ::write(fd, &c, 1) : ::read(fd, &c, 1);
  ::close(fd);
  if (n != 1) throw std::runtime_error("the gate closed");
}

// Says it runs, waits for the test to open the gate, then returns `value`.
int wait_at_gate(std::string started, std::string go, int value) {
  pipe_byte(started, true);
  pipe_byte(go, false);
  return value;
}

TEST(MpiPool, SubmitRunsOnTheWorkerRanks) {
  mpi::mpi_pool_executor pool;
  EXPECT_EQ(pool.mode(), mpi::start_mode::world);
  EXPECT_EQ(pool.max_workers(), 2u);
  EXPECT_EQ(pool.worker_ranks(), (std::vector<int>{1, 2}));
  auto f = pool.submit(square, 7);
  EXPECT_EQ(f.result(), 49);
  auto g = pool.submit([](std::string s, int n) { return s + std::to_string(n); },
                       std::string("rank"), 3);
  EXPECT_EQ(g.result(), "rank3");
  auto v =
      pool.submit([](std::vector<double> xs) { return std::accumulate(xs.begin(), xs.end(), 0.0); },
                  std::vector<double>{1.5, 2.5});
  EXPECT_EQ(v.result(), 4.0);
  auto none = pool.submit([] {});
  none.result();
  std::set<int> ranks;
  std::vector<futures::future<std::pair<int, std::string>>> fs;
  for (int i = 0; i < 20; ++i) fs.push_back(pool.submit(where_it_runs, i));
  for (auto& x : fs) {
    const auto [rank, host] = x.result();
    ranks.insert(rank);
    EXPECT_EQ(host, host_name());
  }
  EXPECT_TRUE(ranks.count(0) == 0);  // rank 0 never runs tasks
  EXPECT_TRUE(std::includes(std::set<int>{1, 2}.begin(), std::set<int>{1, 2}.end(), ranks.begin(),
                            ranks.end()));
}

TEST(MpiPool, MapKeepsOrderAndMapUnorderedKeepsEveryResult) {
  mpi::mpi_pool_executor pool;
  std::vector<int> inputs(1000);
  std::iota(inputs.begin(), inputs.end(), 0);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    std::vector<int> got;
    for (int r : pool.map(square, inputs, {.chunksize = chunk})) got.push_back(r);
    ASSERT_EQ(got.size(), inputs.size()) << "chunksize " << chunk;
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(got[static_cast<std::size_t>(i)], i * i);
    std::multiset<int> unordered;
    for (int r : pool.map_unordered(square, inputs, {.chunksize = chunk})) unordered.insert(r);
    std::multiset<int> expected;
    for (int i : inputs) expected.insert(i * i);
    EXPECT_EQ(unordered, expected) << "chunksize " << chunk;
  }
}

struct custom_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int throws_kind(int kind) {
  switch (kind) {
    case 0:
      throw std::out_of_range("index 9 of 3");
    case 1:
      throw custom_failure("custom");
    case 2:
      throw 42;
    default:
      return kind;
  }
}

TEST(MpiPool, ExceptionsComeBackAsRemoteErrorsWithRankAndHost) {
  mpi::mpi_pool_executor pool;
  const std::vector<std::pair<std::string, std::string>> expected{
      {"std::out_of_range", "index 9 of 3"},
      {"(anonymous namespace)::custom_failure", "custom"},
      {"int", "(not a std::exception)"}};
  for (int kind = 0; kind < 3; ++kind) {
    auto f = pool.submit(throws_kind, kind);
    try {
      f.result();
      ADD_FAILURE() << "kind " << kind << " did not throw";
    } catch (const mpi::remote_error& e) {
      EXPECT_EQ(e.type_name(), expected[static_cast<std::size_t>(kind)].first);
      EXPECT_EQ(e.message(), expected[static_cast<std::size_t>(kind)].second);
      EXPECT_TRUE(e.rank() == 1 || e.rank() == 2) << e.rank();
      EXPECT_EQ(e.host(), host_name());
      EXPECT_FALSE(e.stack().empty());
    }
  }
  // As the process pool's error, too; and the pool goes on working.
  EXPECT_THROW(pool.submit(throws_kind, 0).result(), braid::multiprocessing::remote_error);
  EXPECT_EQ(pool.submit(throws_kind, 5).result(), 5);
  // A failed chunk ends map() with its error.
  std::vector<int> inputs{5, 6, 0, 7};
  auto range = pool.map(throws_kind, inputs);
  auto it = range.begin();
  EXPECT_EQ(*it, 5);
  ++it;
  EXPECT_EQ(*it, 6);
  EXPECT_THROW(++it, mpi::remote_error);
}

TEST(MpiPool, QueuedWorkCanBeCancelledAndSentWorkCannot) {
  gate g;
  mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.max_in_flight_per_worker = 1});
  auto a = pool.submit(wait_at_gate, g.started(), g.go(), 1);
  auto b = pool.submit(wait_at_gate, g.started(), g.go(), 2);
  g.wait_started(2);
  // Both workers hold a task, and may hold only one: these wait in the queue.
  std::vector<futures::future<int>> queued;
  for (int i = 0; i < 4; ++i) queued.push_back(pool.submit(square, i));
  EXPECT_TRUE(queued[0].cancel());
  EXPECT_TRUE(queued[2].cancel());
  EXPECT_FALSE(a.cancel());  // sent at once: it cannot be taken back
  g.open(2);
  EXPECT_EQ(a.result() + b.result(), 3);
  EXPECT_THROW(queued[0].result(), futures::cancelled_error);
  EXPECT_EQ(queued[1].result(), 1);
  EXPECT_THROW(queued[2].result(), futures::cancelled_error);
  EXPECT_EQ(queued[3].result(), 9);
}

TEST(MpiPool, ShutdownWithCancelFuturesCancelsTheQueueAndWaitsForTheRest) {
  gate g;
  mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.max_in_flight_per_worker = 1});
  auto a = pool.submit(wait_at_gate, g.started(), g.go(), 1);
  auto b = pool.submit(wait_at_gate, g.started(), g.go(), 2);
  g.wait_started(2);
  std::vector<futures::future<int>> queued;
  for (int i = 0; i < 5; ++i) queued.push_back(pool.submit(square, i));
  pool.shutdown(false, true);
  for (auto& q : queued) EXPECT_THROW(q.result(), futures::cancelled_error);
  EXPECT_THROW(pool.submit(square, 1), futures::executor_shutdown_error);
  g.open(2);
  pool.shutdown(true);  // waits for the two that were sent
  EXPECT_TRUE(a.done() && b.done());
  EXPECT_EQ(a.result() + b.result(), 3);
}

TEST(MpiPool, ShutdownRunsEveryPendingTaskFirst) {
  std::vector<futures::future<int>> fs;
  {
    mpi::mpi_pool_executor pool;
    for (int i = 0; i < 200; ++i) fs.push_back(pool.submit(square, i));
    pool.shutdown(true);
    EXPECT_THROW(pool.submit(square, 1), futures::executor_shutdown_error);
  }
  for (int i = 0; i < 200; ++i) EXPECT_EQ(fs[static_cast<std::size_t>(i)].result(), i * i);
  // The world's workers serve the next pool.
  mpi::mpi_pool_executor again;
  EXPECT_EQ(again.submit(square, 12).result(), 144);
}

TEST(MpiPool, TheDestructorWaitsForWorkSubmittedBeforeShutdownWithoutWait) {
  std::vector<futures::future<int>> fs;
  {
    mpi::mpi_pool_executor pool;
    for (int i = 0; i < 50; ++i) fs.push_back(pool.submit(square, i));
    pool.shutdown(false);
  }
  for (int i = 0; i < 50; ++i) EXPECT_EQ(fs[static_cast<std::size_t>(i)].result(), i * i);
}

std::pair<std::size_t, std::uint64_t> measure(const std::string& s) {
  std::uint64_t sum = 0;
  for (unsigned char c : s) sum = sum * 31 + c;
  return {s.size(), sum};
}

std::string big_string(std::size_t size, char seed) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>(seed + static_cast<char>(i % 251));
  return s;
}

TEST(MpiPool, SixtyFourMebibyteArgumentsAndResultsTravel) {
  mpi::mpi_pool_executor pool;
  const std::size_t size = std::size_t{64} << 20;
  const std::string arg = big_string(size, 'a');
  EXPECT_EQ(pool.submit(measure, arg).result(), measure(arg));
  const std::string back = pool.submit(big_string, size, 'q').result();
  EXPECT_EQ(back.size(), size);
  EXPECT_EQ(back, big_string(size, 'q'));
}

TEST(MpiPool, OnlyOneWorldPoolAtATime) {
  mpi::mpi_pool_executor pool(1);
  EXPECT_EQ(pool.worker_ranks(), std::vector<int>{1});
  EXPECT_THROW(mpi::mpi_pool_executor second(1), braid::invalid_state_error);
  EXPECT_THROW(mpi::mpi_pool_executor bad(mpi::mpi_pool_options{.max_in_flight_per_worker = 0}),
               braid::value_error);
}

void initializer_throws() {
  throw std::runtime_error("no licence on this node");
}

TEST(MpiPool, AnInitializerThatThrowsBreaksThePoolAtOnce) {
  try {
    mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.initializer = {initializer_throws}});
    ADD_FAILURE() << "the pool started";
  } catch (const mpi::broken_mpi_pool& e) {
    EXPECT_NE(std::string(e.what()).find("no licence on this node"), std::string::npos) << e.what();
  }
  mpi::mpi_pool_executor pool;  // the workers are free again
  EXPECT_EQ(pool.submit(square, 3).result(), 9);
}

asyncio::task<int> sum_of_squares(mpi::mpi_pool_executor& pool) {
  int sum = 0;
  for (int i = 1; i <= 3; ++i) {
    const int v = co_await asyncio::run_in_executor(pool, square, i);
    sum += v;
  }
  auto f = pool.submit(square, 4);
  const int w = co_await f;
  co_return sum + w;
}

TEST(MpiPool, AwaitableFromCoroutines) {
  mpi::mpi_pool_executor pool;
  EXPECT_EQ(asyncio::run(sum_of_squares(pool)), 1 + 4 + 9 + 16);
}

// Run with ranks 1 and 2 executing another program (tests/mpi/other_program.cpp).
TEST(MpiPoolMismatch, AWorkerRunningAnotherBinaryBreaksThePool) {
  try {
    mpi::mpi_pool_executor pool;
    ADD_FAILURE() << "the pool started";
  } catch (const mpi::broken_mpi_pool& e) {
    EXPECT_NE(std::string(e.what()).find("different binary"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rank 1"), std::string::npos) << e.what();
  }
}

void die(int) {
  ::raise(SIGKILL);
}

// Run under `mpirun --enable-recovery`: without it, OpenMPI ends the whole job when a rank dies.
TEST(MpiPoolRecovery, ATaskWhoseRankDiesFailsWithRankDied) {
  int dead_rank = -1;
  {
    mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.max_in_flight_per_worker = 1});
    auto f = pool.submit(die, 0);
    try {
      f.result();
      ADD_FAILURE() << "the task returned";
    } catch (const mpi::rank_died& e) {
      dead_rank = e.rank();
      EXPECT_TRUE(e.rank() == 1 || e.rank() == 2);
      EXPECT_EQ(e.tasks(), 1u);
      EXPECT_EQ(e.host(), host_name());
      EXPECT_NE(std::string(e.what()).find("rank " + std::to_string(e.rank())), std::string::npos);
    }
    // The survivor runs the rest.
    std::vector<futures::future<int>> fs;
    for (int i = 0; i < 10; ++i) fs.push_back(pool.submit(square, i));
    for (int i = 0; i < 10; ++i) EXPECT_EQ(fs[static_cast<std::size_t>(i)].result(), i * i);
  }
  mpi::mpi_pool_executor next;  // leaves the dead rank out
  EXPECT_EQ(next.max_workers(), 1u);
  EXPECT_NE(next.worker_ranks().front(), dead_rank);
  EXPECT_EQ(next.submit(square, 5).result(), 25);
}

// Run without mpirun: the workers are spawned.
TEST(MpiPoolSpawn, WorkersAreSpawnedWithoutMpirun) {
  // Two workers and this process on a machine that may have fewer cores.
  const std::vector<std::pair<std::string, std::string>> oversubscribe{
      {"map_by", ":OVERSUBSCRIBE"}};
  mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.max_workers = 2, .spawn_info = oversubscribe});
  EXPECT_EQ(pool.mode(), mpi::start_mode::spawn);
  EXPECT_EQ(pool.worker_ranks(), (std::vector<int>{0, 1}));
  std::vector<int> inputs(100);
  std::iota(inputs.begin(), inputs.end(), 0);
  long sum = 0;
  for (int r : pool.map(square, inputs, {.chunksize = 10})) sum += r;
  EXPECT_EQ(sum, 328350);
  EXPECT_THROW(pool.submit(throws_kind, 0).result(), mpi::remote_error);
  pool.shutdown();
  // Spawning again starts new workers.
  mpi::mpi_pool_executor again(
      mpi::mpi_pool_options{.max_workers = 1, .spawn_info = oversubscribe});
  EXPECT_EQ(again.submit(square, 6).result(), 36);
}

TEST(MpiPoolSpawn, TooManyWorkersIsASpawnError) {
  // Without {"map_by", ":OVERSUBSCRIBE"} OpenMPI starts at most one process per core.
  try {
    mpi::mpi_pool_executor pool(mpi::mpi_pool_options{.max_workers = 64});
    ADD_FAILURE() << "64 workers started";
  } catch (const mpi::spawn_error& e) {
    EXPECT_NE(std::string(e.what()).find("MPI_Comm_spawn"), std::string::npos) << e.what();
  }
  EXPECT_THROW(mpi::mpi_pool_executor world(mpi::mpi_pool_options{.start = mpi::start_mode::world}),
               braid::invalid_state_error);
}

}  // namespace
