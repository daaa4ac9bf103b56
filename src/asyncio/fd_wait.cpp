#include "braid/asyncio/fd_wait.hpp"

#include "braid/error.hpp"

namespace braid::asyncio::detail {

void fd_wait_operation::await_resume() const {
  const long r = io_awaiter::await_resume();
  if (r < 0) {
    throw os_error(static_cast<int>(-r),
                   kind == io_kind::poll_out ? "wait_writable" : "wait_readable");
  }
}

}  // namespace braid::asyncio::detail
