#pragma once
/// \file
/// How worker processes are started (Python's multiprocessing start methods).

#include <cstddef>

namespace braid::multiprocessing {

/// How a worker process is started.
///
/// - `spawn` (the default): posix_spawn of this program's own binary (/proc/self/exe). The new
///   process enters worker mode from a constructor in the braid_multiprocessing library before
///   `main` runs, so the program needs no special code. Safe from any thread, at any time.
///   Static initialisers of the program run in every worker (for a static braid library, those of
///   the program's own objects, which the linker places before the library's), so they must not
///   start threads or touch shared resources; a worker never reaches `main`.
/// - `fork`: a fork server. When the pool is created (the process must be single-threaded then;
///   otherwise start_method_error) braid forks one helper process, a snapshot of the program at
///   that moment; workers are forked from that single-threaded helper, so no worker ever inherits
///   a lock held by another thread. Cheaper starts, and workers see the program's state as it was
///   when the pool was created. Workers are the helper's children (it reaps them for the pool).
///
/// Either way a worker starts with every signal at its default action and none blocked.

enum class start_method { spawn, fork };

namespace detail {
/// The number of threads of this process (entries of /proc/self/task).
std::size_t thread_count();
/// The OS name of a process pool's manager thread.
inline constexpr const char* manager_thread_name = "braid-pool-mgr";
/// How many threads of this process have that name (for tests: a pool destroyed from its own
/// callback leaves its manager thread to finish on its own).
std::size_t manager_thread_count();
}  // namespace detail

}  // namespace braid::multiprocessing
