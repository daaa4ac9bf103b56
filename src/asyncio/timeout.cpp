#include "braid/asyncio/timeout.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/error.hpp"

namespace braid::asyncio {

namespace detail {

time_point running_loop_time() {
  return event_loop::running().time();
}

deadline_timer::deadline_timer(std::optional<time_point> when) {
  task_ = &running_task_or_throw("a timeout scope");
  event_loop& loop = task_->loop();
  cancelling_at_entry_ = task_->cancelling();
  if (when) {
    deadline = *when;
    has_deadline_ = true;
    loop_access::add_timer(loop, *this);
  }
}

deadline_timer::~deadline_timer() {
  if (armed()) loop_access::cancel_timer(task_->loop(), *this);
}

void deadline_timer::fire() noexcept {
  fired_ = true;
  task_->cancel();
}

void deadline_timer::reschedule(std::optional<time_point> when) {
  if (exited_) throw invalid_state_error("reschedule() on a timeout scope that has ended");
  if (fired_) throw invalid_state_error("reschedule() on a timeout scope that has expired");
  if (armed()) loop_access::cancel_timer(task_->loop(), *this);
  has_deadline_ = false;
  if (!when) return;
  deadline = *when;
  loop_access::add_timer(task_->loop(), *this);  // may throw: the scope then has no deadline
  has_deadline_ = true;
}

bool deadline_timer::exit(std::exception_ptr error, bool move_on) {
  exited_ = true;
  if (armed()) loop_access::cancel_timer(task_->loop(), *this);
  if (fired_) {
    const unsigned remaining = task_->uncancel();
    if (error && remaining <= cancelling_at_entry_) {
      try {
        std::rethrow_exception(error);
      } catch (const cancelled_error&) {
        if (move_on) return true;
        throw timeout_error();
      } catch (...) {
      }
    }
  }
  if (error) std::rethrow_exception(error);
  return false;
}

}  // namespace detail

}  // namespace braid::asyncio
