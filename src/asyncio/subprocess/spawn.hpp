#pragma once
// Starting a child with posix_spawn and opening its pidfd. Private to src/asyncio.

#include <string>
#include <vector>

#include "braid/asyncio/subprocess.hpp"

namespace braid::asyncio::detail {

/// A started child: its pid, its pidfd, and the parent's (non-blocking, close-on-exec) pipe
/// ends, -1 for a stream that is no pipe. The caller owns every descriptor.
struct spawned_child {
  int pid = -1;
  int pidfd = -1;
  int in = -1;
  int out = -1;
  int err = -1;
};

/// Starts `argv[0]` (looked up on PATH if it has no slash) with `argv`. Throws spawn_error,
/// os_error, value_error (stdio::to_stdout() for stdin or stdout), std::bad_alloc; on any throw
/// no descriptor is left open and no child is left running. Thread-safe.
spawned_child spawn_child(const std::vector<std::string>& argv, const subprocess_options& options);

}  // namespace braid::asyncio::detail
