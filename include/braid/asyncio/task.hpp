#pragma once
/// \file
/// braid::asyncio::task<T>: the coroutine type of braid (Python's `async def`).
///
/// A task<T> is lazy: calling a coroutine function creates its frame and runs nothing. It runs
/// when awaited (`co_await f()`, inside the awaiting task) or when handed to create_task(), which
/// schedules it on the loop as a concurrent task (Python's asyncio.create_task).
///
/// g++ 12 traps (see docs/asyncio.md): never `co_await` inside an `if`/`while` condition or a test
/// macro -- assign to a local first; no braced init lists inside a `co_await` expression; do not
/// create capturing lambdas inside a `co_await` expression. A coroutine lambda's captures live in
/// the lambda object, not in the frame: pass what it needs as parameters.

#include <coroutine>
#include <utility>

#include "braid/asyncio/detail/promise.hpp"

namespace braid::asyncio {

/// A lazy coroutine returning T. Move-only; destroying a task that never ran destroys its frame.
/// Awaiting it runs it to completion inside the awaiting task and returns its value or rethrows
/// its error; cancellation of the awaiting task reaches the suspension points inside it.
/// Not thread-safe: a task runs on one loop's thread.
template <class T = void>
class [[nodiscard]] task {
 public:
  using promise_type = detail::promise<T>;
  using value_type = T;
  using handle_type = std::coroutine_handle<promise_type>;

  /// An empty task (valid() is false). Never throws.
  task() noexcept = default;
  task(task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  task& operator=(task o) noexcept {
    std::swap(h_, o.h_);
    return *this;
  }
  ~task() {
    if (h_) h_.destroy();
  }

  /// True unless default-constructed, moved-from, or handed to create_task. Never throws.
  bool valid() const noexcept { return static_cast<bool>(h_); }

  struct awaiter {
    handle_type h;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      h.promise().set_continuation(awaiting);
      return h;
    }
    T await_resume() { return h.promise().take_value(); }
  };
  /// Runs the coroutine inside the awaiting one (Python's `await coro`). Throws what the
  /// coroutine throws. Await a task once, and never an empty one (undefined behaviour).
  /// **Cancel safety**: whatever the coroutine's own awaits give; starting and finishing it
  /// suspend nothing, so they are no cancellation points.
  awaiter operator co_await() && noexcept { return awaiter{h_}; }
  awaiter operator co_await() & noexcept { return awaiter{h_}; }

  /// Gives up the frame (create_task takes it over). Never throws.
  handle_type release() noexcept { return std::exchange(h_, {}); }

 private:
  friend promise_type;
  explicit task(handle_type h) noexcept : h_(h) {}
  handle_type h_;
};

template <class T>
task<T> detail::promise<T>::get_return_object() noexcept {
  return task<T>(std::coroutine_handle<promise<T>>::from_promise(*this));
}
inline task<void> detail::promise<void>::get_return_object() noexcept {
  return task<void>(std::coroutine_handle<promise<void>>::from_promise(*this));
}

}  // namespace braid::asyncio
