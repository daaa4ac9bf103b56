#include "braid/asyncio/task_group.hpp"

#include <string>

#include "braid/asyncio/errors.hpp"

namespace braid::asyncio {

struct task_group::child_node final : detail::wait_node {
  task_group* group = nullptr;
  detail::task_base* child = nullptr;
  child_node* prev = nullptr;  // in the group's list of running children
  child_node* next = nullptr;
  void wake() noexcept override { group->child_done(*this); }
};

task_group::task_group()
    : loop_(&event_loop::running()), parent_(detail::loop_access::running_task(*loop_)) {
  if (!parent_) throw event_loop_error("a task_group must be used inside a task");
}

task_group::~task_group() = default;

void task_group::check_open() const {
  if (closed_) throw invalid_state_error("the task_group has finished");
  if (aborting_) throw invalid_state_error("the task_group is shutting down");
}

task_group::child_node* task_group::new_child_node() {
  return new child_node;
}

void task_group::delete_child_node(child_node* node) noexcept {
  delete node;
}

void task_group::adopt(child_node& node, detail::task_base& child) noexcept {
  node.group = this;
  node.child = &child;
  child.retain();
  child.done_waiters().push_back(node);
  node.next = children_;
  if (children_) children_->prev = &node;
  children_ = &node;
  ++alive_;
}

void task_group::child_done(child_node& node) noexcept {
  detail::task_base* child = node.child;
  if (node.prev) {
    node.prev->next = node.next;
  } else {
    children_ = node.next;
  }
  if (node.next) node.next->prev = node.prev;
  delete &node;
  --alive_;
  if (child->failed()) {
    child->mark_observed();
    errors_.push_back(child->root_promise().error());
    if (!aborting_) {
      abort();
      if (!joining_ && !parent_cancel_requested_) {
        parent_cancel_requested_ = true;
        parent_->cancel();
      }
    }
  }
  child->release();
  if (alive_ == 0 && joiner_ != nullptr) std::exchange(joiner_, nullptr)->wake();
}

void task_group::abort() noexcept {
  aborting_ = true;
  // cancel() only schedules: no child finishes (and unlinks itself) during this walk.
  for (child_node* n = children_; n; n = n->next) n->child->cancel();
}

bool task_group::join_operation::await_ready() noexcept {
  task_group& g = *group_;
  g.joining_ = true;
  if (body_error_ && !g.aborting_) g.abort();
  return g.alive_ == 0;
}

bool task_group::join_operation::await_suspend(std::coroutine_handle<> h) noexcept {
  task_group& g = *group_;
  if (g.parent_->take_cancel()) {
    // Cancelled before the scope's end: cancel the children and wait for them anyway.
    cancel_seen_ = true;
    if (!g.aborting_) g.abort();
  }
  g.parent_->suspend(*this, h);
  g.joiner_ = g.parent_;
  return true;
}

bool task_group::join_operation::cancel() noexcept {
  group_->abort();
  return false;  // keep waiting; the request stays pending and is consumed in await_resume
}

void task_group::join_operation::await_resume() {
  task_group& g = *group_;
  g.closed_ = true;
  g.joiner_ = nullptr;
  bool outer_cancel = cancel_seen_;
  if (g.parent_cancel_requested_) {
    // Our own request: withdraw it. If others remain, the task really was cancelled too.
    if (g.parent_->uncancel() > 0) outer_cancel = true;
  } else if (g.parent_->take_cancel()) {
    outer_cancel = true;
  }
  if (g.parent_cancel_requested_ && cancel_seen_ && g.parent_->cancelling() == 0) {
    outer_cancel = false;  // the request we consumed was our own
  }
  bool body_cancelled = false;
  if (body_error_) {
    try {
      std::rethrow_exception(body_error_);
    } catch (const cancelled_error&) {
      body_cancelled = true;
    } catch (...) {
      g.errors_.push_back(body_error_);
    }
  }
  if (!g.errors_.empty()) {
    const std::size_t n = g.errors_.size();
    throw exception_group(
        "task_group: " + std::to_string(n) + " sub-exception" + (n == 1 ? "" : "s"),
        std::move(g.errors_));
  }
  if (body_cancelled && (outer_cancel || !g.parent_cancel_requested_)) {
    std::rethrow_exception(body_error_);
  }
  if (outer_cancel) throw cancelled_error();
}

exception_group::exception_group(std::string message, std::vector<std::exception_ptr> exceptions)
    : braid::error(std::move(message)), exceptions_(std::move(exceptions)) {}

}  // namespace braid::asyncio
