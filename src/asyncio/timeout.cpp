#include "braid/asyncio/timeout.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

time_point running_loop_time() {
  return event_loop::running().time();
}

timeout_scope::timeout_scope(time_point when) {
  event_loop& loop = event_loop::running();
  task_ = detail::loop_access::running_task(loop);
  if (!task_) throw event_loop_error("a timeout scope must be used inside a task");
  cancelling_at_entry_ = task_->cancelling();
  deadline = when;
  detail::loop_access::add_timer(loop, *this);
}

timeout_scope::~timeout_scope() {
  if (armed()) detail::loop_access::cancel_timer(task_->loop(), *this);
}

void timeout_scope::fire() noexcept {
  fired_ = true;
  task_->cancel();
}

void timeout_scope::exit(std::exception_ptr error) {
  if (armed()) detail::loop_access::cancel_timer(task_->loop(), *this);
  if (fired_) {
    const unsigned remaining = task_->uncancel();
    if (error && remaining <= cancelling_at_entry_) {
      try {
        std::rethrow_exception(error);
      } catch (const cancelled_error&) {
        throw timeout_error();
      } catch (...) {
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace braid::asyncio::detail
