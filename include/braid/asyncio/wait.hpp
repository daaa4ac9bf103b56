#pragma once
/// \file
/// braid::asyncio::wait and as_completed (Python's asyncio.wait and asyncio.as_completed):
/// waiting for some of a set of running tasks without taking their results.

#include <chrono>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/detail/join_all.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_handle.hpp"

namespace braid::asyncio {

/// When wait() returns (Python's FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED).
enum class return_when { first_completed, first_exception, all_completed };

/// The tasks wait() found finished, and the others.
template <class T>
struct wait_result {
  std::vector<task_handle<T>> done;
  std::vector<task_handle<T>> pending;
};

/// Waits until `when` is met or `timeout` passes, and splits `tasks` into done and pending, each
/// in input order. Never cancels the tasks and never throws their errors (Python's wait).
/// Throws invalid_state_error if a handle is empty; event_loop_error outside a running loop, or
/// when it must wait outside a task; std::bad_alloc, cancelled_error.
/// **Cancel safety**: cancel-safe: cancelling the awaiting task stops the wait at once
/// (cancelled_error); the tasks run on, and the handles are dropped with the call (keep copies
/// to reach them). Loop-thread only.
template <class T>
task<wait_result<T>> wait(std::vector<task_handle<T>> tasks,
                          return_when when = return_when::all_completed,
                          std::optional<duration> timeout = std::nullopt) {
  std::vector<detail::task_base*> bases;
  bases.reserve(tasks.size());
  for (auto& t : tasks) bases.push_back(detail::non_empty(t.base()));
  const auto mode = when == return_when::first_completed   ? detail::join_mode::first_completed
                    : when == return_when::first_exception ? detail::join_mode::first_exception
                                                           : detail::join_mode::all_completed;
  const bool has_deadline = timeout.has_value();
  const time_point deadline =
      has_deadline ? detail::add_delay(event_loop::running().time(), *timeout) : time_point{};
  detail::join_all_operation join(std::move(bases), mode, has_deadline, deadline);
  co_await join;
  wait_result<T> out;
  for (auto& t : tasks) (t.done() ? out.done : out.pending).push_back(std::move(t));
  co_return out;
}

/// As wait() with a timeout of any duration type, clamped (seconds::max() means practically
/// never). Throws and cancel safety as wait().
template <class T, class Rep, class Period>
task<wait_result<T>> wait(std::vector<task_handle<T>> tasks, return_when when,
                          std::chrono::duration<Rep, Period> timeout) {
  const std::optional<duration> clamped(braid::detail::clamp_timeout(timeout));
  co_return co_await wait(std::move(tasks), when, clamped);
}

/// Yields tasks as they finish (Python's as_completed), in the order they finish (tasks already
/// done first, in input order). O(n) in total for n tasks. Two ways to use it:
///
/// ```
/// for (auto next : asyncio::as_completed(std::move(handles))) {
///   int v = co_await next;  // the next value to be ready; throws that task's error
/// }
/// asyncio::as_completed ac(std::move(handles));
/// while (!ac.empty()) {
///   asyncio::task_handle<int> done = co_await ac.next();  // which task finished
/// }
/// ```
///
/// Loop-thread only; not copyable. Never cancels the tasks.
template <class T>
class as_completed {
 public:
  /// Watches `tasks` (links one node into each; they may be from any loop state). Throws
  /// invalid_state_error if a handle is empty; std::bad_alloc.
  explicit as_completed(std::vector<task_handle<T>> tasks)
      : handles_(std::move(tasks)), queue_(std::make_unique<detail::completion_queue>(bases())) {}

  /// No task left to take (by next() or the range). Never throws.
  bool empty() const noexcept { return queue_->remaining() == 0; }
  /// Tasks left to take. Never throws.
  std::size_t size() const noexcept { return queue_->remaining(); }

  /// The next task to finish (await it, or read result(), for its value). Throws
  /// invalid_state_error if none remain, event_loop_error if it must wait outside a task.
  /// **Cancel safety**: cancelling the awaiting task stops the wait and throws cancelled_error;
  /// no task is taken (the next call returns it), and the tasks run on.
  task<task_handle<T>> next() {
    const std::size_t i = co_await queue_->take();
    co_return handles_[i];
  }

  /// The value of the next task to finish: what `co_await next` gives in the range-for form.
  /// Throws that task's error, or as next(). Cancel safety as next().
  task<T> next_value() {
    const std::size_t i = co_await queue_->take();
    if constexpr (std::is_void_v<T>) {
      co_await handles_[i];
    } else {
      co_return co_await handles_[i];
    }
  }

  /// The range-for form: size() elements, each a task<T> giving the value of the next task to
  /// finish when awaited (await each once, in order). Iterating takes nothing by itself.
  class iterator {
   public:
    using value_type = task<T>;
    using difference_type = std::ptrdiff_t;
    iterator() noexcept = default;
    /// next_value() of the as_completed (see there). Throws std::bad_alloc.
    task<T> operator*() const { return ac_->next_value(); }
    /// Counts one element taken. Never throws.
    iterator& operator++() noexcept {
      --left_;
      return *this;
    }
    void operator++(int) noexcept { ++*this; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
      return it.left_ == 0;
    }

   private:
    friend class as_completed;
    iterator(as_completed* ac, std::size_t left) noexcept : ac_(ac), left_(left) {}
    as_completed* ac_ = nullptr;
    std::size_t left_ = 0;
  };
  /// The range-for form's start (size() elements). Never throws.
  iterator begin() noexcept { return iterator(this, size()); }
  /// Never throws.
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  std::vector<detail::task_base*> bases() const {
    std::vector<detail::task_base*> out;
    out.reserve(handles_.size());
    for (auto& h : handles_) out.push_back(detail::non_empty(h.base()));
    return out;
  }

  std::vector<task_handle<T>> handles_;
  std::unique_ptr<detail::completion_queue> queue_;
};

}  // namespace braid::asyncio
