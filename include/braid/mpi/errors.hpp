#pragma once
/// \file
/// The typed errors of braid::mpi. Each derives from the matching error of the process pool or
/// of braid::futures, so code written against any executor catches them.

#include <cstddef>
#include <string>

#include "braid/error.hpp"
#include "braid/futures/errors.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::mpi {

/// A task threw on a worker rank: the exception's type name, message and stack (as
/// multiprocessing::remote_error has them), and where it ran. what() is "<type>: <message>".
class remote_error : public multiprocessing::remote_error {
 public:
  remote_error(std::string type_name, std::string message, std::string stack, int rank,
               std::string host)
      : multiprocessing::remote_error(std::move(type_name), std::move(message), std::move(stack)),
        rank_(rank),
        host_(std::move(host)) {}
  /// The worker's rank: in MPI_COMM_WORLD when launched under mpirun, else in the group of
  /// spawned workers.
  int rank() const noexcept { return rank_; }
  /// The name of the machine the worker ran on (gethostname).
  const std::string& host() const noexcept { return host_; }

 private:
  int rank_;
  std::string host_;
};

/// The pool cannot run work: a worker rank runs a different binary, a worker's initializer
/// threw, every worker rank died, or MPI failed (Python's BrokenExecutor).
class broken_mpi_pool : public futures::broken_executor {
 public:
  using futures::broken_executor::broken_executor;
};

/// Workers could not be started with MPI_Comm_spawn (the MPI installation or its resource
/// manager does not allow it, or there are not enough slots). what() carries MPI's reason.
class spawn_error : public broken_mpi_pool {
 public:
  using broken_mpi_pool::broken_mpi_pool;
};

/// A worker rank died while it held the task (it was running it, or the task was sent to it
/// behind the running one). See docs/mpi.md for when MPI lets the job survive that at all.
class rank_died : public braid::error {
 public:
  rank_died(int rank, std::string host, long pid, std::size_t tasks, const std::string& text)
      : braid::error(text), rank_(rank), host_(std::move(host)), pid_(pid), tasks_(tasks) {}
  /// The dead worker's rank (as remote_error::rank()).
  int rank() const noexcept { return rank_; }
  /// The machine it ran on.
  const std::string& host() const noexcept { return host_; }
  /// Its process id on that machine.
  long pid() const noexcept { return pid_; }
  /// How many tasks it held when it died (each of their futures holds this error).
  std::size_t tasks() const noexcept { return tasks_; }

 private:
  int rank_;
  std::string host_;
  long pid_;
  std::size_t tasks_;
};

using braid::invalid_state_error;
using braid::value_error;
using multiprocessing::transfer_error;

}  // namespace braid::mpi
