#pragma once
/// \file
/// One unit of work for a process pool: an encoded call and the promise its result goes to.

#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>

#include "braid/futures/future.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"

namespace braid::multiprocessing::detail {

class task_base {
 public:
  explicit task_base(payload call) : call_(std::move(call)) {}
  virtual ~task_base() = default;
  task_base(const task_base&) = delete;
  task_base& operator=(const task_base&) = delete;

  /// Marks the future running; false if it was cancelled (the task must then be dropped).
  virtual bool start() = 0;
  /// Decodes the worker's result bytes into the future (or stores the decoding error).
  void complete(std::string_view result) noexcept {
    prepare(result);
    publish();
  }
  /// complete() in two steps: prepare() decodes (runs no user callback), publish() stores the
  /// value (or the decoding error) into the future, running its done-callbacks.
  virtual void prepare(std::string_view result) noexcept = 0;
  virtual void publish() noexcept = 0;
  virtual void fail(std::exception_ptr error) noexcept = 0;
  /// Cancels a task that has not started.
  virtual void cancel() noexcept = 0;
  /// The future's shared state (to attach a wait helper to before the future is shared).
  virtual futures::detail::state_base& state() noexcept = 0;

  const payload& call() const noexcept { return call_; }
  std::size_t retries = 0;  ///< how many more times a worker's death may restart it
  bool started = false;     ///< marked running (start() succeeded)

 private:
  payload call_;
};

template <class R>
class typed_task final : public task_base {
 public:
  using task_base::task_base;
  futures::future<R> get_future() { return future_; }

  bool start() override { return promise_.set_running_or_notify_cancel(); }
  void prepare(std::string_view result) noexcept override {
    try {
      if constexpr (std::is_void_v<R>) {
        (void)result;
        value_.emplace(true);
      } else {
        value_.emplace(decode_value<R>(result));
      }
    } catch (...) {
      error_ = std::current_exception();
    }
  }
  void publish() noexcept override {
    if (!value_) {
      fail(error_ ? error_ : std::make_exception_ptr(std::logic_error("no result")));
      return;
    }
    try {
      if constexpr (std::is_void_v<R>) {
        promise_.set_result();
      } else {
        promise_.set_result(std::move(*value_));
      }
    } catch (...) {  // already done: nothing to report to
    }
    value_.reset();
  }
  futures::detail::state_base& state() noexcept override {
    return *futures::detail::state_of(future_);
  }
  void fail(std::exception_ptr error) noexcept override {
    try {
      promise_.set_exception(std::move(error));
    } catch (...) {  // already done: nothing to report to
    }
  }
  void cancel() noexcept override {
    try {
      promise_.get_future().cancel();
    } catch (...) {
    }
  }

 private:
  futures::promise<R> promise_;
  futures::future<R> future_ = promise_.get_future();  // for its state only
  std::optional<std::conditional_t<std::is_void_v<R>, bool, R>> value_;
  std::exception_ptr error_;
};

}  // namespace braid::multiprocessing::detail
