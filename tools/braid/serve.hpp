#pragma once
// `braid serve`: the demo endpoints (serve_app.hpp) on HOST:PORT until SIGINT or SIGTERM.

#include <cstddef>
#include <string>

namespace braid::tool {

struct serve_options {
  std::string bind = "127.0.0.1:8080";  ///< HOST:PORT; port 0 picks a free one
  std::string root;                     ///< serve these files at "/" when set
  std::size_t threads = 1;              ///< loops, each with an SO_REUSEPORT socket
  bool access_log = false;
};

/// Runs the server; prints "listening on http://HOST:PORT" (flushed) first. Returns the exit
/// status: 0 after a signal, 1 (with a message on stderr) when it cannot start.
int run_serve(const serve_options& options);

}  // namespace braid::tool
