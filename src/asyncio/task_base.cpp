#include "braid/asyncio/detail/task_base.hpp"

#include <string>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/threading/current_thread.hpp"
#include "braid/trace/tracing.hpp"

namespace braid::asyncio::detail {

void promise_base::unhandled_exception() noexcept {
  error_ = std::current_exception();
  try {
    throw;
  } catch (const cancelled_error&) {
    cancelled_ = true;
  } catch (...) {
  }
}

void root_finished(task_base& owner) noexcept {
  owner.finish();
}

task_base::~task_base() {
  root_.destroy();
}

void task_base::run() noexcept {
  queued_ = false;
  if (done_) return;
  event_loop* loop = loop_;
  if (!started_) {
    started_ = true;
    if (must_cancel_) {  // cancelled before its first step: the body never runs (as in Python)
      must_cancel_ = false;
      root_promise().set_error(std::make_exception_ptr(cancelled_error()), true);
      finish();
      return;
    }
  }
  retain();  // the step may finish the task; keep it alive until the step is over
  task_base* previous = detail::loop_access::running_task(*loop);
  detail::loop_access::set_running_task(*loop, this);
  waiter_ = nullptr;
  const auto start = detail::loop_access::step_start_ns(*loop);
  if (trace::enabled()) {
    const std::int64_t traced_start = trace::now_ns();
    resume_.resume();
    trace::record(trace::category::asyncio, name(), traced_start, trace::now_ns());
  } else {
    resume_.resume();
  }
  detail::loop_access::set_running_task(*loop, previous);
  detail::loop_access::note_step(*loop, start, this);
  release();
}

void task_base::finish() noexcept {
  done_ = true;
  detail::loop_access::unregister_task(*loop_, *this);
  done_waiters_.wake_all();
  release();  // the loop's reference
}

bool task_base::cancel() noexcept {
  if (done_) return false;
  if (cancelling_ != 0xffff) ++cancelling_;
  if (waiter_ != nullptr && waiter_->cancel()) return true;
  must_cancel_ = true;
  return true;
}

unsigned task_base::uncancel() noexcept {
  if (cancelling_ > 0) --cancelling_;
  if (cancelling_ == 0) must_cancel_ = false;
  return cancelling_;
}

std::string task_base::name() const {
  if (extra_ && !extra_->name.empty()) return extra_->name;
  return "Task-" + std::to_string(id_);
}

void task_base::set_name(std::string name) {
  if (!extra_) extra_ = std::make_unique<task_extra>();
  extra_->name = std::move(name);
}

void task_base::prepare(std::string&& name, const creation_site* site) {
  if (name.empty() && site == nullptr) return;
  auto extra = extra_ ? nullptr : std::make_unique<task_extra>();  // the only allocation
  task_extra& e = extra ? *extra : *extra_;
  if (!name.empty()) e.name = std::move(name);  // a move: no allocation, no throw
  if (site != nullptr) {
    e.site = *site;
    e.has_site = true;
  }
  if (extra) extra_ = std::move(extra);
}

void task_base::destroy() noexcept {
  if (failed() && !observed_) {
    try {
      std::string where = (detached_ ? "detached task '" : "task '") + name() + "'";
      where += detached_ ? " failed" : " failed and its error was never retrieved";
      if (extra_ && extra_->has_site) {
        where += " (created at " + std::string(extra_->site.file) + ":" +
                 std::to_string(extra_->site.line) + ")";
      }
      threading::report_unhandled(root_promise().error(), where);
    } catch (...) {
      threading::report_unhandled(root_promise().error(), "task failed");
    }
  }
  delete this;
}

}  // namespace braid::asyncio::detail
