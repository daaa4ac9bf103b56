#pragma once
// The process's MPI state (initialised once: before main under mpirun, else by the first pool),
// the messages between rank 0 and its workers, and the polling wait both sides use.

#include <mpi.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "braid/multiprocessing/detail/binary_identity.hpp"
#include "braid/multiprocessing/detail/task.hpp"

namespace braid::mpi::detail {

/// Message tags on a pool's communicator. Between two ranks MPI delivers in order, and a worker
/// answers its tasks in the order they came, so a result needs no task id.
enum tag : int {
  hello = 1,    // rank 0 -> worker: binary identity, initializer, poll interval
  ready = 2,    // worker -> rank 0: where it runs (host, machine, pid)
  fatal = 3,    // worker -> rank 0: it cannot serve this pool (text)
  task = 4,     // rank 0 -> worker: an encoded call
  result = 5,   // worker -> rank 0: the encoded result
  failure = 6,  // worker -> rank 0: the task threw (multiprocessing::detail::failure_text)
  end = 7,      // rank 0 -> worker: the pool is shut down (world: wait for the next one)
  quit = 8,     // rank 0 -> worker: finalise MPI and exit
};

struct hello_message {
  multiprocessing::detail::binary_identity identity;
  std::string initializer;  // encoded call, or empty
  std::int64_t max_poll_us = 1000;
  template <class A>
  void serialize(A& ar) {
    ar(identity, initializer, max_poll_us);
  }
};

struct ready_message {
  std::string host;     // gethostname()
  std::string machine;  // what tells two processes apart as on the same kernel and pid namespace
  std::int64_t pid = 0;
  template <class A>
  void serialize(A& ar) {
    ar(host, machine, pid);
  }
};

/// The process's MPI state.
struct runtime {
  bool launched = false;  // started by an MPI launcher (mpirun), not as a singleton
  bool owns_mpi = false;  // braid called MPI_Init, so braid calls MPI_Finalize at exit
  int world_rank = 0;
  int world_size = 1;
  MPI_Comm world = MPI_COMM_NULL;   // braid's own duplicate of MPI_COMM_WORLD
  MPI_Comm parent = MPI_COMM_NULL;  // the spawning pool, in a spawned worker

  // Rank 0 only, all under `lock`, which also serialises every MPI call braid makes (MPI is
  // initialised with MPI_THREAD_SERIALIZED: each pool's manager thread and constructors call
  // it from their own threads, one at a time).
  std::mutex lock;
  bool world_pool_alive = false;
  std::vector<bool> dead;  // by world rank: died, never to be sent to again
  bool any_death = false;  // some worker (world or spawned) died: MPI_Finalize may hang
  bool finalized = false;
  // Tasks whose send to a dead rank may never complete: MPI may still read their bytes.
  std::vector<std::shared_ptr<multiprocessing::detail::task_base>> orphans;
};

/// The runtime, initialising MPI on first use (as a singleton outside mpirun). On rank 0 it
/// registers the exit handler that sends the workers `quit` and finalises MPI. Throws
/// broken_mpi_pool if MPI cannot be initialised.
runtime& ensure_runtime();

/// MPI's text for an error code.
std::string error_text(int code);

/// This machine's ready_message fields.
ready_message where_am_i();

/// Waits between polls: spins a few rounds, then sleeps for doubling times up to `max`.
class backoff {
 public:
  explicit backoff(std::chrono::nanoseconds max) : max_(max) {}
  void reset() noexcept {
    spins_ = 0;
    next_ = std::chrono::nanoseconds(0);
  }
  /// How long to wait before the next poll (0: poll again at once).
  std::chrono::nanoseconds step() noexcept {
    if (spins_ < spin_rounds) {
      ++spins_;
      return std::chrono::nanoseconds(0);
    }
    next_ = next_.count() == 0 ? std::chrono::nanoseconds(1000) : std::min(next_ * 2, max_);
    return next_;
  }
  void set_max(std::chrono::nanoseconds max) noexcept { max_ = max; }

 private:
  static constexpr int spin_rounds = 64;
  std::chrono::nanoseconds max_;
  std::chrono::nanoseconds next_{0};
  int spins_ = 0;
};

/// Makes this thread's short sleeps short: Linux lengthens every timed sleep by the thread's
/// timer slack, 50 microseconds by default, far above the first backoff steps.
void tighten_timer_slack() noexcept;

/// A worker's life: serves pools over `comm` (whose rank 0 in the remote group, or in the
/// world, is the pool's side) until told to quit, then finalises MPI and exits the process.
[[noreturn]] void serve_as_worker(runtime& rt, MPI_Comm comm, bool spawned);

}  // namespace braid::mpi::detail
