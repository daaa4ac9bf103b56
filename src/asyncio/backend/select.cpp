// Chooses a loop's backend: the one asked for, else BRAID_ASYNCIO_BACKEND, else the default.

#include <cstdlib>
#include <cstring>
#include <string>

#include "backend/backend.hpp"
#include "braid/asyncio/errors.hpp"

namespace braid::asyncio::detail {

namespace {
// The default where nothing is asked for (see docs/performance.md for the measurement).
constexpr io_backend_kind default_kind = io_backend_kind::epoll;

io_backend_kind from_environment() {
  const char* v = std::getenv("BRAID_ASYNCIO_BACKEND");
  if (v == nullptr || *v == '\0') return default_kind;
  if (std::strcmp(v, "epoll") == 0) return io_backend_kind::epoll;
  if (std::strcmp(v, "io_uring") == 0) return io_backend_kind::io_uring;
  throw event_loop_error(std::string("BRAID_ASYNCIO_BACKEND must be epoll or io_uring, not ") + v);
}
}  // namespace

std::unique_ptr<io_backend> make_io_backend(io_backend_kind kind, std::string& fallback_reason) {
  if (kind == io_backend_kind::automatic) kind = from_environment();
  if (kind == io_backend_kind::io_uring) {
    if (auto b = make_io_uring_backend(fallback_reason)) return b;
  }
  return make_epoll_backend();
}

}  // namespace braid::asyncio::detail
