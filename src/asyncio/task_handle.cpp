#include "braid/asyncio/task_handle.hpp"

#include <string>

namespace braid::asyncio {

namespace detail {

void throw_not_done() {
  throw invalid_state_error("the task is not done");
}
void throw_empty_handle() {
  throw invalid_state_error("empty task handle");
}

bool join_operation::await_suspend(std::coroutine_handle<> h) {
  self_ = &detail::running_task_or_throw("awaiting a task");
  if (!self_->suspend(*this, h)) {
    // A cancellation was pending (and is consumed now). Treat it as one arriving during the
    // wait (bpo-34872): a shielded wait just ends; otherwise the awaited task is cancelled too
    // and still awaited, and cancelled_error comes once it finished.
    cancelled_ = true;
    if (shield_) return false;
    target_->cancel();         // only schedules: the target cannot finish during this call
    self_->suspend(*this, h);  // nothing is pending any more: this registers the wait
  }
  target_->done_waiters().push_back(*this);
  return true;
}

void join_operation::await_resume() {
  if (cancelled_) throw cancelled_error();
  if (self_ != nullptr && self_->take_cancel()) throw cancelled_error();
  target_->mark_observed();
}

bool join_operation::cancel() noexcept {
  if (shield_) {
    target_->done_waiters().erase(*this);
    cancelled_ = true;
    self_->wake();
    return true;
  }
  target_->cancel();
  return false;
}

}  // namespace detail

std::exception_ptr task_ref::exception() const {
  if (!t_) detail::throw_empty_handle();
  if (!t_->done()) detail::throw_not_done();
  if (t_->cancelled()) throw cancelled_error();
  t_->mark_observed();
  return t_->root_promise().error();
}

std::string task_ref::created_at() const {
  if (!t_ || !t_->extra() || !t_->extra()->has_site) return {};
  const auto& s = t_->extra()->site;
  return std::string(s.file) + ":" + std::to_string(s.line) + " (" + s.function + ")";
}

task_ref current_task() noexcept {
  event_loop* loop = event_loop::current();
  return task_ref(loop ? detail::loop_access::running_task(*loop) : nullptr);
}

std::vector<task_ref> all_tasks() {
  std::vector<task_ref> out;
  for (auto* t = detail::loop_access::first_task(event_loop::running()); t; t = t->all_next)
    out.emplace_back(t);
  return out;
}

}  // namespace braid::asyncio
