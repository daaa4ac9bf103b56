// Out-of-line helpers of future<T> that need no template parameter.
#include "braid/futures/future.hpp"

#include "braid/threading/current_thread.hpp"

namespace braid::futures::detail {

void report_callback_error(std::exception_ptr error) noexcept {
  threading::report_unhandled(std::move(error), "future done callback");
}

void throw_invalid_future() {
  throw invalid_state_error(
      "the future or promise has no shared state (default-constructed or moved-from)");
}

}  // namespace braid::futures::detail
