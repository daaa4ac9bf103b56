#pragma once
/// \file
/// The promise types behind asyncio::task<T>: a continuation to resume when the coroutine ends
/// (the awaiting coroutine) or, for a task's root coroutine, the task that owns it.

#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace braid::asyncio {
template <class T>
class task;
}

namespace braid::asyncio::detail {

class task_base;

/// Tells the owning task that its root coroutine finished. Defined in src/asyncio/task_base.cpp.
void root_finished(task_base& owner) noexcept;

class promise_base {
 public:
  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      promise_base& p = h.promise();
      if (p.continuation_) return p.continuation_;
      root_finished(*p.owner_);  // may not destroy this frame: the task holds a reference
      return std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept;  // records the error; notes cancelled_error

  void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }
  void set_owner(task_base* owner) noexcept { owner_ = owner; }
  const std::exception_ptr& error() const noexcept { return error_; }
  bool cancelled() const noexcept { return cancelled_; }
  void set_error(std::exception_ptr e, bool cancelled) noexcept {
    error_ = std::move(e);
    cancelled_ = cancelled;
  }
  void rethrow_if_failed() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::coroutine_handle<> continuation_;
  task_base* owner_ = nullptr;
  std::exception_ptr error_;
  bool cancelled_ = false;
};

template <class T>
class promise final : public promise_base {
 public:
  task<T> get_return_object() noexcept;
  template <class U = T>
  void return_value(U&& v) noexcept(std::is_nothrow_constructible_v<T, U&&>) {
    value_.emplace(std::forward<U>(v));
  }
  const T& value() const& {
    rethrow_if_failed();
    return *value_;
  }
  T take_value() {
    rethrow_if_failed();
    return std::move(*value_);
  }

 private:
  std::optional<T> value_;
};

template <>
class promise<void> final : public promise_base {
 public:
  task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
  void value() const { rethrow_if_failed(); }
  void take_value() const { rethrow_if_failed(); }
};

}  // namespace braid::asyncio::detail
