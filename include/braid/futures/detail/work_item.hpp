#pragma once
/// \file
/// A unit of work for an executor, fused with the future's state into one allocation.

#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>

#include "braid/futures/detail/block_pool.hpp"
#include "braid/futures/detail/state.hpp"

namespace braid::futures::detail {

/// Told by a work item, on the thread running it, that the work has run and its future is about
/// to complete. An executor uses it to count itself ready for more work before any waiter can
/// wake and submit again: a submit that follows a result() then finds the worker idle instead of
/// starting another thread.
class run_observer {
 public:
  virtual void before_complete() noexcept = 0;

 protected:
  ~run_observer() = default;
};

/// What executors queue. Intrusive: the queue links items through `next`.
class work_item {
 public:
  work_item* next = nullptr;
  /// Runs the work unless it was cancelled, completing its future. Calls
  /// `observer.before_complete()` once, after the work ran and before its future completes; not
  /// at all if the work was cancelled while queued. Never throws.
  virtual void run(run_observer& observer) noexcept = 0;
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
/// The callable and arguments are destroyed as soon as the work has run (or was found cancelled,
/// or abandoned), before the future completes, as Python's executors drop their work items: what
/// they own (a shared_ptr, a file) is released when result() returns, not when the last handle
/// to the future goes.
template <class R, class F, class... Args>
class task_state final : public state<R>, public work_item {
 public:
  /// Born with two references: one for the future handed to the caller, one for the queue.
  template <class G, class... A>
  explicit task_state(G&& fn, A&&... args)
      : state<R>(2), work_(std::in_place, std::forward<G>(fn), std::forward<A>(args)...) {}

  void run(run_observer& observer) noexcept override {
    if (!this->try_start()) {  // cancelled while queued
      work_.reset();
      return;
    }
    // From here this worker is the only one that can complete the state (cancel() fails on a
    // running state, and abandon() is only used on items that never ran), so no claim is needed.
    std::exception_ptr error;
    try {
      if constexpr (std::is_void_v<R>) {
        std::apply(work_->fn, std::move(work_->args));
      } else {
        this->store_value(std::apply(work_->fn, std::move(work_->args)));
      }
    } catch (...) {
      error = std::current_exception();
    }
    work_.reset();
    observer.before_complete();
    this->publish(std::move(error));
  }
  void abandon(std::exception_ptr error) noexcept override {
    work_.reset();
    this->try_fail(std::move(error));
  }
  void cancel() noexcept override { state<R>::cancel(); }
  void release_item() noexcept override { this->release(); }

  // One allocation per task, from the per-thread block pool: a submitter that keeps its futures
  // and frees them later reuses the same blocks, without malloc's locks or fresh pages.
  static void* operator new(std::size_t size) { return block_allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { block_deallocate(p, size); }

 private:
  struct work {
    template <class G, class... A>
    explicit work(G&& g, A&&... a) : fn(std::forward<G>(g)), args(std::forward<A>(a)...) {}
    F fn;
    std::tuple<Args...> args;
  };
  std::optional<work> work_;
};

}  // namespace braid::futures::detail
