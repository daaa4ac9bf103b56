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
  template <class G, class... A>
  explicit task_state(G&& fn, A&&... args)
      : fn_(std::forward<G>(fn)), args_(std::forward<A>(args)...) {}

  void run() noexcept override {
    if (!this->try_start()) return;  // cancelled while queued
    try {
      if constexpr (std::is_void_v<R>) {
        std::apply(fn_, std::move(args_));
        this->try_set_value();
      } else {
        this->try_set_value(std::apply(fn_, std::move(args_)));
      }
    } catch (...) {
      this->try_fail(std::current_exception());
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
