#pragma once
/// \file
/// The promise types behind asyncio::task<T>: a continuation to resume when the coroutine ends
/// (the awaiting coroutine) or, for a task's root coroutine, the task that owns it.

#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "braid/asyncio/detail/frame_allocator.hpp"

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
  /// Coroutine frames come from the per-thread pool (frame_allocator.hpp); the compiler passes
  /// the frame size back to the sized delete.
  static void* operator new(std::size_t size) { return frame_allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

  struct final_awaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      promise_base& p = h.promise();
      if (!p.root_) return std::coroutine_handle<>::from_address(p.next_);
      root_finished(*static_cast<task_base*>(p.next_));  // the task holds a reference: the
      return std::noop_coroutine();                      // frame outlives this call
    }
    void await_resume() const noexcept {}
  };

  std::suspend_always initial_suspend() const noexcept { return {}; }
  final_awaiter final_suspend() const noexcept { return {}; }
  void unhandled_exception() noexcept;  // records the error; notes cancelled_error

  void set_continuation(std::coroutine_handle<> c) noexcept { next_ = c.address(); }
  void set_owner(task_base* owner) noexcept {
    next_ = owner;
    root_ = true;
  }
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
  // The awaiting coroutine's frame, or for a task's root coroutine (root_) its task_base: one
  // word, as every frame has one.
  void* next_ = nullptr;
  std::exception_ptr error_;
  bool cancelled_ = false;
  bool root_ = false;
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
