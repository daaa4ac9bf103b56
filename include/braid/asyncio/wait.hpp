#pragma once
/// \file
/// braid::asyncio::wait and as_completed (Python's asyncio.wait and asyncio.as_completed):
/// waiting for some of a set of running tasks without taking their results.

#include <cstddef>
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
/// Cancelling the awaiting task stops the wait at once (cancelled_error); the tasks run on.
/// A cancellation point.
template <class T>
task<wait_result<T>> wait(std::vector<task_handle<T>> tasks,
                          return_when when = return_when::all_completed,
                          std::optional<duration> timeout = std::nullopt) {
  std::vector<detail::task_base*> bases;
  bases.reserve(tasks.size());
  for (auto& t : tasks) bases.push_back(t.base());
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

/// Yields tasks as they finish (Python's as_completed): `while (!ac.empty()) { auto t = co_await
/// ac.next(); ... }`. Tasks finishing in the same loop step come out in input order.
template <class T>
class as_completed {
 public:
  explicit as_completed(std::vector<task_handle<T>> tasks) : pending_(std::move(tasks)) {}
  bool empty() const noexcept { return pending_.empty(); }
  std::size_t size() const noexcept { return pending_.size(); }

  /// The next finished task (await it, or read result(), for its value). Throws
  /// invalid_state_error if none remain; cancelled_error if the awaiting task is cancelled (the
  /// tasks run on). A cancellation point.
  task<task_handle<T>> next() {
    if (pending_.empty()) throw invalid_state_error("as_completed: no tasks left");
    std::vector<detail::task_base*> bases;
    bases.reserve(pending_.size());
    for (auto& t : pending_) bases.push_back(t.base());
    detail::join_all_operation join(std::move(bases), detail::join_mode::first_completed);
    co_await join;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i].done()) {
        task_handle<T> h = std::move(pending_[i]);
        pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
        co_return h;
      }
    }
    throw invalid_state_error("as_completed: woken with no finished task");
  }

 private:
  std::vector<task_handle<T>> pending_;
};

}  // namespace braid::asyncio
