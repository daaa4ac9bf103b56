#pragma once
/// \file
/// braid::threading::timer: a thread that calls a function after an interval unless cancelled
/// (Python's threading.Timer).

#include <chrono>
#include <memory>
#include <utility>

#include "braid/threading/event.hpp"
#include "braid/threading/thread.hpp"

namespace braid::threading {

/// A thread that, once started, waits `interval` and then calls `f(args...)`, unless cancel() was
/// called first (Python's threading.Timer). It is a thread: start(), join(), name(), ... apply,
/// including the destructor, which joins a started non-daemon timer (so an uncancelled timer
/// still fires before its destructor returns; call cancel() first if it should not).
///
/// The wait is on an event, so cancel() takes effect at once, not at the end of the interval.
/// All member functions are thread-safe.
class timer : public thread {
 public:
  /// A timer calling `f(args...)` `interval` after start(). Throws as thread's constructor.
  template <class F, class... Args>
  requires std::invocable<std::decay_t<F>, std::decay_t<Args>...> timer(
      std::chrono::nanoseconds interval, F&& f, Args&&... args)
      : timer(thread_options{}, interval, std::forward<F>(f), std::forward<Args>(args)...) {}

  /// As above, with thread options (name, daemon).
  template <class F, class... Args>
  requires std::invocable<std::decay_t<F>, std::decay_t<Args>...> timer(
      thread_options options, std::chrono::nanoseconds interval, F&& f, Args&&... args)
      : timer(std::make_shared<event>(), std::move(options), interval,
              detail::make_thread_body(std::forward<F>(f), std::forward<Args>(args)...)) {}

  /// Takes over `other`'s timer. Never throws.
  timer(timer&& other) noexcept = default;
  /// Finishes this timer as thread's move assignment does, then takes `other`'s. Never throws.
  timer& operator=(timer&& other) noexcept = default;
  /// As thread's destructor: joins a started non-daemon timer, which may still fire first.
  ~timer() override = default;

  /// Stops the timer if it has not fired yet; the function then never runs. Harmless after it
  /// ran or when called again. Thread-safe; never throws.
  void cancel() noexcept { finished_->set(); }

  /// Whether the timer fired or was cancelled. Thread-safe; never throws.
  [[nodiscard]] bool finished() const noexcept { return finished_->is_set(); }

 private:
  timer(std::shared_ptr<event> finished, thread_options options, std::chrono::nanoseconds interval,
        std::unique_ptr<detail::thread_body> function);

  std::shared_ptr<event> finished_;
};

}  // namespace braid::threading
