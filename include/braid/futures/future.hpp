#pragma once
/// \file
/// braid::futures::future<T> and promise<T>: Python's concurrent.futures.Future, split into the
/// consumer's handle (future) and the producer's (promise) the way C++ does it.
///
/// A future is a shared handle: copies refer to the same result, any number of threads may wait
/// on it, and every method is thread-safe. Completion never blocks the completing thread on its
/// waiters: each waiter (a blocked thread, a done-callback, an awaiting coroutine) is notified by
/// a short call on the completing thread, which is what lets a coroutine on another thread's
/// event loop be resumed without any thread blocking.

#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <type_traits>
#include <utility>

#include "braid/detail/deadline.hpp"
#include "braid/futures/detail/state.hpp"
#include "braid/futures/errors.hpp"

namespace braid::futures {

template <class T>
class future;
template <class T>
class promise;

namespace detail {
/// Builds a future from a state reference (executors use it).
template <class T>
future<T> make_future(state_ref<state<T>> s) noexcept;
/// The shared state behind a future, for braid's own awaiters and waiting functions (never part
/// of the public interface: a future's state is an implementation detail).
template <class T>
state<T>* state_of(const future<T>& f) noexcept;
/// Reports an exception thrown by a done-callback through braid::threading's excepthook.
void report_callback_error(std::exception_ptr error) noexcept;
[[noreturn]] void throw_invalid_future();
}  // namespace detail

/// The result of work that may not have finished yet (Python's concurrent.futures.Future).
///
/// Thread-safe: all methods may be called concurrently from any thread.
/// A default-constructed future is not valid(); every other method then throws
/// invalid_state_error.
template <class T>
class future {
 public:
  using value_type = T;

  future() noexcept = default;

  /// True if this handle refers to a shared state (not default-constructed or moved-from).
  bool valid() const noexcept { return static_cast<bool>(state_); }

  /// Cancels the work if it has not started (Python's cancel()). Returns true if the future is
  /// cancelled now or was before; false if it is running or finished. Notifies waiters and runs
  /// done-callbacks on success. Never throws (other than for an invalid future).
  bool cancel() const { return checked().cancel(); }

  /// True if the future was cancelled.
  bool cancelled() const { return checked().current() == detail::status::cancelled; }

  /// True while the work is executing (started and not done).
  bool running() const {
    const auto s = checked().current();
    return s == detail::status::running || s == detail::status::completing;
  }

  /// True if the future finished (with a value or an error) or was cancelled.
  bool done() const { return checked().done(); }

  /// Blocks until done. Never throws (other than for an invalid future).
  void wait() const { checked().wait(); }

  /// Blocks until done or `timeout` passes; returns done().
  bool wait_for(std::chrono::nanoseconds timeout) const {
    return checked().wait_until(braid::detail::deadline_after(timeout));
  }

  /// Blocks until done or `deadline`; returns done().
  bool wait_until(std::chrono::steady_clock::time_point deadline) const {
    return checked().wait_until(deadline);
  }

  /// Waits and returns the value (Python's result()). On an lvalue future the value stays in the
  /// shared state and a reference to it is returned (valid while any handle to it lives); on an
  /// rvalue future (`pool.submit(f).result()`, `std::move(fut).result()`) it is moved out, and
  /// other handles to the same state then see a moved-from value.
  /// Throws: the work's own exception; cancelled_error if cancelled.
  decltype(auto) result() const& {
    wait();
    return get_value();
  }
  decltype(auto) result() && {
    wait();
    return take_value();
  }

  /// As result(), but throws timeout_error if the future is not done within `timeout`.
  decltype(auto) result(std::chrono::nanoseconds timeout) const& {
    wait_or_throw(timeout);
    return get_value();
  }
  decltype(auto) result(std::chrono::nanoseconds timeout) && {
    wait_or_throw(timeout);
    return take_value();
  }

  /// Waits and returns the work's exception, or a null exception_ptr if it succeeded (Python's
  /// exception()). Throws cancelled_error if cancelled.
  std::exception_ptr exception() const {
    wait();
    return get_exception();
  }
  /// As exception(), but throws timeout_error if not done within `timeout`.
  std::exception_ptr exception(std::chrono::nanoseconds timeout) const {
    wait_or_throw(timeout);
    return get_exception();
  }

  /// Calls `fn` when the future is done: on the thread that completes or cancels it, or at once
  /// on this thread if it is already done (Python's add_done_callback). `fn` takes either a
  /// `const future<T>&` or nothing. Callbacks run in the order they were added. An exception
  /// thrown by `fn` is reported through braid::threading's excepthook, never lost and never
  /// propagated to the completing thread. Throws only std::bad_alloc.
  template <class F>
  void add_done_callback(F&& fn) const {
    checked();
    auto* node = new callback_node<std::decay_t<F>>(*this, std::forward<F>(fn));
    if (!state_->add_node(*node)) node->notify();
  }

  /// Identity, as Python's futures have: two handles are equal when they refer to the same
  /// result (copies of one future), so futures can go in sets and be map keys (std::hash is
  /// specialised). Two invalid futures are equal. Never throws.
  friend bool operator==(const future& a, const future& b) noexcept {
    return a.state_.get() == b.state_.get();
  }

 private:
  friend future detail::make_future<T>(detail::state_ref<detail::state<T>>) noexcept;
  friend detail::state<T>* detail::state_of<T>(const future&) noexcept;
  explicit future(detail::state_ref<detail::state<T>> s) noexcept : state_(std::move(s)) {}

  detail::state<T>& checked() const {
    if (!state_) detail::throw_invalid_future();
    return *state_;
  }

  void wait_or_throw(std::chrono::nanoseconds timeout) const {
    if (!wait_for(timeout)) throw timeout_error();
  }

  void rethrow_if_failed() const {
    if (state_->current() == detail::status::cancelled) throw cancelled_error();
    if (state_->error()) std::rethrow_exception(state_->error());
  }

  decltype(auto) get_value() const {
    rethrow_if_failed();
    if constexpr (std::is_void_v<T>) {
      return;
    } else {
      return static_cast<const T&>(state_->value());
    }
  }
  decltype(auto) take_value() const {
    rethrow_if_failed();
    if constexpr (std::is_void_v<T>) {
      return;
    } else {
      return T(std::move(state_->value()));
    }
  }

  std::exception_ptr get_exception() const {
    if (state_->current() == detail::status::cancelled) throw cancelled_error();
    return state_->error();
  }

  // A heap node that owns one done-callback and frees itself after running it.
  template <class F>
  class callback_node final : public detail::completion_node {
   public:
    template <class G>
    callback_node(const future& f, G&& fn) : future_(f), fn_(std::forward<G>(fn)) {}
    void notify() noexcept override {
      try {
        if constexpr (std::is_invocable_v<F&, const future&>) {
          fn_(future_);
        } else {
          fn_();
        }
      } catch (...) {
        detail::report_callback_error(std::current_exception());
      }
      delete this;
    }

   private:
    future future_;
    F fn_;
  };

  detail::state_ref<detail::state<T>> state_;
};

/// The producing side of a future: sets its result once.
///
/// Move-only. Thread-safe against concurrent cancel() and waits on its futures; setting the
/// result from two threads at once is allowed (exactly one wins, the other gets
/// invalid_state_error). Destroying a promise that never set a result completes its future with
/// broken_promise, so no waiter hangs.
template <class T>
class promise {
 public:
  promise() : state_(new detail::state<T>) {}
  promise(promise&&) noexcept = default;
  promise& operator=(promise&& other) noexcept {
    abandon();
    state_ = std::move(other.state_);
    return *this;
  }
  ~promise() { abandon(); }

  /// A future for this promise's result; may be called any number of times.
  /// Throws invalid_state_error on a moved-from promise.
  future<T> get_future() const {
    if (!state_) detail::throw_invalid_future();
    return detail::make_future<T>(state_);
  }

  /// Marks the work as started so cancel() fails from now on. Returns false if the future was
  /// cancelled (the work must then not run). Throws invalid_state_error if already started or
  /// finished (Python's set_running_or_notify_cancel()).
  bool set_running_or_notify_cancel() { return checked().set_running_or_notify_cancel(); }

  /// Stores the value and wakes every waiter. Throws invalid_state_error if the future is already
  /// done or cancelled (Python's set_result()).
  template <class... A>
  void set_result(A&&... value) {
    if (!checked().try_set_value(std::forward<A>(value)...)) throw_already_done();
  }

  /// Stores an exception for result() to rethrow. Throws invalid_state_error if already done.
  void set_exception(std::exception_ptr error) {
    if (!checked().try_fail(std::move(error))) throw_already_done();
  }

  /// True once the future is finished or cancelled.
  bool done() const { return checked().done(); }

 private:
  detail::state<T>& checked() const {
    if (!state_) detail::throw_invalid_future();
    return *state_;
  }
  [[noreturn]] static void throw_already_done() {
    throw invalid_state_error("the future is already done or cancelled");
  }
  void abandon() noexcept {
    if (state_ && !state_->done()) state_->try_fail(std::make_exception_ptr(broken_promise()));
  }

  detail::state_ref<detail::state<T>> state_;
};

template <class T>
future<T> detail::make_future(state_ref<state<T>> s) noexcept {
  return future<T>(std::move(s));
}

template <class T>
detail::state<T>* detail::state_of(const future<T>& f) noexcept {
  return f.state_.get();
}

}  // namespace braid::futures

/// Hashes a future by identity (see future's operator==).
template <class T>
struct std::hash<braid::futures::future<T>> {
  std::size_t operator()(const braid::futures::future<T>& f) const noexcept {
    return std::hash<const void*>{}(braid::futures::detail::state_of(f));
  }
};
