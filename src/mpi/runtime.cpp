// MPI's initialisation and finalisation for braid, and the entry into worker mode before main.

#include "detail/runtime.hpp"

#include <sys/prctl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>

#include "braid/mpi/errors.hpp"

namespace braid::mpi::detail {
namespace {

runtime* instance = nullptr;

// Set by OpenMPI's launchers (mpirun, and orted for spawned processes) and by PMIx-based
// launchers such as srun: this process is one rank of a job, so every rank must take part in
// MPI_Init (it exchanges addresses with the others).
bool launched_by_mpi() noexcept {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMIX_RANK") != nullptr;
}

// At exit on rank 0 (registered with atexit when MPI is initialised, so it runs after the
// destructors of objects made later, such as pools in main): ends the workers, then MPI.
void finish() {
  runtime& rt = *instance;
  std::lock_guard g(rt.lock);
  if (rt.finalized) return;
  rt.finalized = true;
  // After a death (only survivable under mpirun --enable-recovery), OpenMPI 4.1's
  // MPI_Finalize sometimes waits for ever for the dead process in its closing fence: then no
  // rank finalises (a quit message with a body says so), and each simply exits.
  const bool any_dead = rt.any_death;
  if (rt.world_rank == 0 && rt.parent == MPI_COMM_NULL && rt.world != MPI_COMM_NULL) {
    const char skip = 1;
    for (int r = 1; r < rt.world_size; ++r) {
      if (!rt.dead[static_cast<std::size_t>(r)]) {
        MPI_Send(&skip, any_dead ? 1 : 0, MPI_BYTE, r, quit, rt.world);
      }
    }
  }
  if (!rt.owns_mpi || any_dead) return;
  if (rt.world != MPI_COMM_NULL) MPI_Comm_free(&rt.world);
  MPI_Finalize();
}

runtime& initialise() {
  auto* rt = new runtime;  // lives as long as the process: the exit handler uses it
  rt->launched = launched_by_mpi();
  int already = 0;
  MPI_Initialized(&already);
  if (already == 0) {
    int provided = 0;
    // Every MPI call braid makes on one process is serialised by runtime::lock.
    const int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    if (rc != MPI_SUCCESS) {
      throw broken_mpi_pool("braid::mpi: MPI_Init_thread failed: " + error_text(rc));
    }
    if (provided < MPI_THREAD_SERIALIZED) {
      throw broken_mpi_pool(
          "braid::mpi: this MPI library does not support MPI_THREAD_SERIALIZED, which the "
          "pool's manager thread needs");
    }
    rt->owns_mpi = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rt->world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &rt->world_size);
  rt->dead.assign(static_cast<std::size_t>(rt->world_size), false);
  // braid's own communicator, so its messages never meet the program's, and failures return
  // error codes to braid instead of aborting the job where MPI allows it.
  MPI_Comm_dup(MPI_COMM_WORLD, &rt->world);
  MPI_Comm_set_errhandler(rt->world, MPI_ERRORS_RETURN);
  MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN);
  MPI_Comm_get_parent(&rt->parent);
  if (rt->parent != MPI_COMM_NULL) MPI_Comm_set_errhandler(rt->parent, MPI_ERRORS_RETURN);
  instance = rt;
  if (rt->parent == MPI_COMM_NULL && rt->world_rank == 0) std::atexit(finish);
  return *rt;
}

}  // namespace

runtime& ensure_runtime() {
  static std::once_flag once;
  std::call_once(once, [] { initialise(); });
  if (instance == nullptr) throw broken_mpi_pool("braid::mpi: MPI could not be initialised");
  return *instance;
}

std::string error_text(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS)
    return "MPI error " + std::to_string(code);
  return std::string(text, static_cast<std::size_t>(length));
}

ready_message where_am_i() {
  ready_message m;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  m.host = host;
  // Two processes can watch each other's pid only on one kernel (boot id) in one pid namespace.
  std::ifstream boot("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(boot, id);
  char ns[64] = {};
  const ssize_t n = ::readlink("/proc/self/ns/pid", ns, sizeof ns - 1);
  m.machine = id + '/' + (n > 0 ? std::string(ns, static_cast<std::size_t>(n)) : std::string());
  m.pid = ::getpid();
  return m;
}

void tighten_timer_slack() noexcept {
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

}  // namespace braid::mpi::detail

namespace {

/// Runs before main in every process of a program using braid::mpi. Launched by mpirun, every
/// rank initialises MPI here; ranks other than 0, and processes a pool spawned, then serve
/// tasks and exit, so main never runs there. Rank 0 (and a program started without mpirun)
/// goes on to main.
__attribute__((constructor)) void braid_mpi_enter_worker() {
  using namespace braid::mpi::detail;
  // A process pool's worker inherits its parent's MPI environment but is no MPI process.
  if (std::getenv("BRAID_MULTIPROCESSING_WORKER") != nullptr) return;
  if (!launched_by_mpi()) return;
  runtime& rt = ensure_runtime();
  if (rt.parent != MPI_COMM_NULL) serve_as_worker(rt, rt.parent, true);
  if (rt.world_rank != 0) serve_as_worker(rt, rt.world, false);
}

}  // namespace
