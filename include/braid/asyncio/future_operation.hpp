#pragma once
/// \file
/// Awaiting a braid::futures::future<T> from a task: `T v = co_await fut;`. The task suspends
/// and its loop's thread is free; the thread that completes the future hands the task back to
/// its loop (a queue push and a wake-up), where it resumes. No thread blocks.

#include <coroutine>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/futures/future.hpp"

namespace braid::asyncio {

/// The awaitable for a future (see the file comment).
///
/// Cancellation: cancelling the awaiting task cancels the future if its work has not started
/// (Python's wrap_future does the same) and throws cancelled_error at once. With a stop source
/// (to_thread with a std::stop_token callable), it requests stop instead and waits for the work
/// to end, then throws cancelled_error; if the work had already started without one, the task
/// stops waiting at once and the work runs on. A cancellation already pending when the await
/// starts is handled the same way (bpo-34872).
///
/// Must be awaited from a task on a running loop (event_loop_error otherwise); the future may be
/// completed from any thread. await_resume throws what the future's work threw, or
/// cancelled_error. Constructing and moving never throw; one operation is awaited once.
template <class T>
class future_operation final : public detail::runnable,
                               public futures::detail::completion_node,
                               public detail::waiter {
 public:
  explicit future_operation(futures::future<T> f, bool move_result = true,
                            std::stop_source stop = std::stop_source(std::nostopstate)) noexcept
      : f_(std::move(f)), stop_(std::move(stop)), move_(move_result) {}
  future_operation(future_operation&& o) noexcept
      : f_(std::move(o.f_)), stop_(std::move(o.stop_)), move_(o.move_) {}
  ~future_operation() = default;

  bool await_ready() const { return f_.done(); }
  bool await_suspend(std::coroutine_handle<> h) {
    task_ = &detail::running_task_or_throw("awaiting a future");
    event_loop& loop = task_->loop();
    if (!task_->suspend(*this, h)) {
      // A cancellation was pending (now consumed): act as cancel() would during the wait.
      cancelled_ = true;
      f_.cancel();                               // stops work that has not started
      if (!stop_.stop_possible()) return false;  // cancelled_error at once
      stop_.request_stop();
      task_->suspend(*this, h);  // nothing is pending any more: wait for the work to end
    }
    loop_ = &loop;
    detail::loop_access::begin_external(loop);
    if (!futures::detail::state_of(f_)->add_node(*this)) {  // finished meanwhile
      detail::loop_access::end_external(loop);
      task_->wake();
    }
    return true;
  }
  decltype(auto) await_resume() {
    if (cancelled_) throw cancelled_error();
    if (task_ != nullptr && task_->take_cancel()) throw cancelled_error();
    if constexpr (std::is_void_v<T>) {
      f_.result();
    } else {
      if (move_) return T(std::move(f_).result());
      return T(f_.result());
    }
  }

  // Runs on the completing thread: hand the task back to its loop.
  void notify() noexcept override { detail::loop_access::post_threadsafe(*loop_, *this); }
  // Runs on the loop thread.
  void run() noexcept override {
    detail::loop_access::end_external(*loop_);
    task_->wake();
  }
  bool cancel() noexcept override {
    if (stop_.stop_possible()) {
      f_.cancel();
      stop_.request_stop();
      return false;  // wait for the work to end; the request is consumed in await_resume
    }
    if (!futures::detail::state_of(f_)->remove_node(*this)) {
      return false;  // the result is on its way
    }
    detail::loop_access::end_external(*loop_);
    f_.cancel();
    cancelled_ = true;
    task_->wake();
    return true;
  }

 private:
  futures::future<T> f_;
  std::stop_source stop_;
  event_loop* loop_ = nullptr;
  detail::task_base* task_ = nullptr;
  bool move_;
  bool cancelled_ = false;
};

}  // namespace braid::asyncio

namespace braid::futures {
/// Makes every futures::future awaitable inside braid::asyncio tasks (found by ADL). An rvalue
/// future's result is moved out; an lvalue's is copied (the future keeps it). Throws and cancel
/// safety as future_operation: cancelling the awaiting task cancels work not started yet and
/// stops waiting for work already running (its result is then lost). Loop-thread only.
template <class T>
asyncio::future_operation<T> operator co_await(future<T>&& f) noexcept {
  return asyncio::future_operation<T>(std::move(f), true);
}
template <class T>
asyncio::future_operation<T> operator co_await(const future<T>& f) noexcept {
  return asyncio::future_operation<T>(f, false);
}
}  // namespace braid::futures
