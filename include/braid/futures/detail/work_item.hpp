#pragma once
/// \file
/// A unit of work for an executor, fused with the future's state into one allocation.

#include <exception>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "braid/futures/detail/state.hpp"

namespace braid::futures::detail {

/// What executors queue. Intrusive: the queue links items through `next`.
class work_item {
 public:
  work_item* next = nullptr;
  /// Runs the work unless it was cancelled, completing its future. Never throws.
  virtual void run() noexcept = 0;
  /// Completes the future with `error` instead of running (a broken pool).
  virtual void abandon(std::exception_ptr error) noexcept = 0;
  /// Cancels the future if it has not started (shutdown with cancel_futures).
  virtual void cancel() noexcept = 0;
  /// Drops the executor's reference (the future may hold others).
  virtual void release_item() noexcept = 0;

 protected:
  ~work_item() = default;
};

/// The callable and its decayed arguments, plus the state of the future they will complete.
template <class R, class F, class... Args>
class task_state final : public state<R>, public work_item {
 public:
  /// Born with two references: one for the future handed to the caller, one for the queue.
  template <class G, class... A>
  explicit task_state(G&& fn, A&&... args)
      : state<R>(2), fn_(std::forward<G>(fn)), args_(std::forward<A>(args)...) {}

  void run() noexcept override {
    if (!this->try_start()) return;  // cancelled while queued
    // From here this worker is the only one that can complete the state (cancel() fails on a
    // running state, and abandon() is only used on items that never ran), so no claim is needed.
    try {
      if constexpr (std::is_void_v<R>) {
        std::apply(fn_, std::move(args_));
        this->set_value_owned();
      } else {
        this->set_value_owned(std::apply(fn_, std::move(args_)));
      }
    } catch (...) {
      this->publish(std::current_exception());
    }
  }
  void abandon(std::exception_ptr error) noexcept override { this->try_fail(std::move(error)); }
  void cancel() noexcept override { state<R>::cancel(); }
  void release_item() noexcept override { this->release(); }

 private:
  F fn_;
  std::tuple<Args...> args_;
};

}  // namespace braid::futures::detail
