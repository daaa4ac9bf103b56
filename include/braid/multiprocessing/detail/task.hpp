#pragma once
/// \file
/// One unit of work for a process pool: an encoded call and the promise its result goes to.

#include <cstddef>
#include <exception>
#include <string_view>
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
  virtual void complete(std::string_view result) noexcept = 0;
  virtual void fail(std::exception_ptr error) noexcept = 0;
  /// Cancels a task that has not started.
  virtual void cancel() noexcept = 0;

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
  futures::future<R> get_future() { return promise_.get_future(); }

  bool start() override { return promise_.set_running_or_notify_cancel(); }
  void complete(std::string_view result) noexcept override {
    try {
      if constexpr (std::is_void_v<R>) {
        promise_.set_result();
      } else {
        promise_.set_result(decode_value<R>(result));
      }
    } catch (...) {
      fail(std::current_exception());
    }
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
};

}  // namespace braid::multiprocessing::detail
