#include "braid/asyncio/detail/join_all.hpp"

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"

namespace braid::asyncio::detail {

join_all_operation::join_all_operation(std::vector<task_base*> tasks, join_mode mode,
                                       bool has_deadline, time_point deadline_at)
    : tasks_(std::move(tasks)), mode_(mode), has_deadline_(has_deadline) {
  deadline = deadline_at;
  nodes_ = std::make_unique<node[]>(tasks_.size());
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    nodes_[i].op = this;
    nodes_[i].index = i;
    if (!tasks_[i]->done()) {
      ++remaining_;
    } else if (tasks_[i]->failed() || tasks_[i]->cancelled()) {
      if (first_failure_ == npos) first_failure_ = i;
    }
  }
}

join_all_operation::~join_all_operation() {
  unlink_all();
  if (armed() && self_) detail::loop_access::cancel_timer(self_->loop(), *this);
}

void join_all_operation::unlink_all() noexcept {
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    if (nodes_[i].linked()) tasks_[i]->done_waiters().erase(nodes_[i]);
  }
}

bool join_all_operation::satisfied() const noexcept {
  switch (mode_) {
    case join_mode::first_completed:
      return remaining_ < tasks_.size() || tasks_.empty();
    case join_mode::first_exception:
      return remaining_ == 0 || first_failure_ != npos;
    default:
      return remaining_ == 0;
  }
}

bool join_all_operation::await_ready() noexcept {
  if (mode_ == join_mode::fail_fast && first_failure_ != npos && remaining_ != 0) return false;
  return satisfied();
}

bool join_all_operation::await_suspend(std::coroutine_handle<> h) {
  self_ = &detail::running_task_or_throw("gather/wait");
  if (!self_->suspend(*this, h)) {
    if (mode_ == join_mode::fail_fast || mode_ == join_mode::settle) {
      // Cancelled before waiting: cancel the tasks and wait for them all the same.
      cancel_seen_ = true;
      for (task_base* t : tasks_) t->cancel();
      self_->suspend(*this, h);
    } else {
      cancelled_ = true;
      return false;
    }
  }
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    if (!tasks_[i]->done()) tasks_[i]->done_waiters().push_back(nodes_[i]);
  }
  if (mode_ == join_mode::fail_fast && first_failure_ != npos) {
    for (task_base* t : tasks_) t->cancel();
  }
  if (has_deadline_) detail::loop_access::add_timer(self_->loop(), *this);
  suspended_ = true;
  return true;
}

void join_all_operation::on_done(std::size_t index) noexcept {
  --remaining_;
  task_base* t = tasks_[index];
  if ((t->failed() || t->cancelled()) && first_failure_ == npos) {
    first_failure_ = index;
    if (mode_ == join_mode::fail_fast) {
      for (task_base* other : tasks_) other->cancel();
    }
  }
  if (!woken_ && satisfied()) finish();
}

void join_all_operation::finish() noexcept {
  woken_ = true;
  unlink_all();
  if (armed()) detail::loop_access::cancel_timer(self_->loop(), *this);
  self_->wake();
}

void join_all_operation::fire() noexcept {
  if (!woken_) finish();
}

bool join_all_operation::cancel() noexcept {
  if (woken_) return false;
  if (mode_ == join_mode::fail_fast || mode_ == join_mode::settle) {
    for (task_base* t : tasks_) t->cancel();
    return false;  // keep waiting for all; the request is consumed in await_resume
  }
  cancelled_ = true;
  finish();
  return true;
}

std::size_t join_all_operation::await_resume() {
  if (cancelled_) throw cancelled_error();
  if (cancel_seen_ || (suspended_ && self_->take_cancel())) throw cancelled_error();
  return first_failure_;
}

}  // namespace braid::asyncio::detail

namespace braid::asyncio::detail {
std::exception_ptr failure_of(task_base& t) {
  if (t.cancelled()) return std::make_exception_ptr(cancelled_error());
  return t.root_promise().error();
}
// --- completion_queue ------------------------------------------------------------------------

completion_queue::completion_queue(std::vector<task_base*> tasks) : tasks_(std::move(tasks)) {
  nodes_ = std::make_unique<node[]>(tasks_.size());
  order_.reserve(tasks_.size());
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    nodes_[i].q = this;
    nodes_[i].index = i;
    if (tasks_[i]->done()) {
      order_.push_back(i);
    } else {
      tasks_[i]->done_waiters().push_back(nodes_[i]);
    }
  }
}

completion_queue::~completion_queue() {
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    if (nodes_[i].linked()) tasks_[i]->done_waiters().erase(nodes_[i]);
  }
}

void completion_queue::on_done(std::size_t index) noexcept {
  order_.push_back(index);  // within the reserved capacity
  if (task_base* t = std::exchange(waiting_, nullptr)) t->wake();
}

bool completion_queue::cancel() noexcept {
  task_base* t = std::exchange(waiting_, nullptr);
  if (!t) return false;
  cancelled_ = true;
  t->wake();
  return true;
}

bool completion_queue::take_operation::await_suspend(std::coroutine_handle<> h) {
  task_base* self = &detail::running_task_or_throw("as_completed");
  q_->cancelled_ = false;
  if (q_->taken_ == q_->tasks_.size()) return false;  // await_resume throws
  if (!self->suspend(*q_, h)) {
    q_->cancelled_ = true;
    return false;
  }
  q_->waiting_ = self;
  return true;
}

std::size_t completion_queue::take_operation::await_resume() {
  if (q_->cancelled_) {
    q_->cancelled_ = false;
    throw cancelled_error();
  }
  if (q_->taken_ >= q_->order_.size()) throw invalid_state_error("as_completed: no tasks left");
  return q_->order_[q_->taken_++];
}

}  // namespace braid::asyncio::detail
