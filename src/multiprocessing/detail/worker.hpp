#pragma once
// Starting worker processes and the worker's side of the protocol.

#include <sys/types.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "braid/multiprocessing/detail/code_ref.hpp"
#include "braid/multiprocessing/detail/remote_failure.hpp"
#include "braid/multiprocessing/remote_call.hpp"
#include "braid/multiprocessing/start_method.hpp"

namespace braid::multiprocessing::detail {

/// The environment variable that makes a re-executed binary a worker; its value is the
/// descriptor number of the worker's socket.
inline constexpr const char* worker_env = "BRAID_MULTIPROCESSING_WORKER";

enum class worker_mode : std::uint8_t { pool = 0, process = 1 };

/// A started child: its pid, its end of the socket and a pidfd (all close-on-exec).
struct child {
  pid_t pid = -1;
  int fd = -1;
  int pidfd = -1;
};

/// Forks workers from a process that was single-threaded when the pool was created. The workers
/// are the server's children (started with a real fork(), so glibc's per-thread state, which
/// robust process-shared mutexes rely on, is right in them): the server reaps them and reports
/// how they ended through wait(). Thread-safe (one request at a time).
class fork_server {
 public:
  /// Throws start_method_error if this process runs more than one thread; braid::os_error if
  /// the server cannot be started.
  fork_server();
  /// Ends the server (it sees the end of its stream) and reaps it.
  ~fork_server();
  fork_server(const fork_server&) = delete;
  fork_server& operator=(const fork_server&) = delete;
  /// A new worker. Throws braid::os_error.
  child start_worker();
  /// Waits for the worker `pid` (started here) to end and describes how, as reap() does. False
  /// if that cannot be known (the server is gone). Never throws.
  bool wait(pid_t pid, int& signal, int& exit_code) noexcept;

 private:
  std::mutex mutex_;
  pid_t pid_ = -1;
  int fd_ = -1;
};

/// Starts a worker: posix_spawn of /proc/self/exe, or through `server` for the fork method.
/// Throws braid::os_error.
child start_child(fork_server* server);

/// The hello message body: identity checks, the mode and the initializer call.
std::string encode_hello(worker_mode mode, const remote_call& initializer);

/// pidfd_open(2) and pidfd_send_signal(2) (glibc 2.36's <sys/pidfd.h> lacks extern "C").
int open_pidfd(pid_t pid) noexcept;
int signal_pidfd(int pidfd, int signal) noexcept;

/// Runs the worker protocol on `fd`; returns the exit code. A pool worker exits if its parent is
/// not `parent` (0: the pool's process, named in the hello message). Never throws.
int run_worker(int fd, pid_t parent = 0) noexcept;

/// Waits for the child `pid` (EINTR-safe) and describes how it ended: sets signal (0 if it
/// exited) and exit code (-1 if signalled). Returns false (signal 0, exit code -1) if the status
/// is unknown: with SIGCHLD ignored the kernel reaps children itself (waitpid fails, ECHILD).
bool reap(pid_t pid, int& signal, int& exit_code) noexcept;
/// reap(), or server->wait() for a worker started by a fork server.
bool reap_child(fork_server* server, pid_t pid, int& signal, int& exit_code) noexcept;

}  // namespace braid::multiprocessing::detail
