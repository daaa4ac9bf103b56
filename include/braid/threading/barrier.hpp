#pragma once
/// \file
/// braid::threading::barrier: a reusable rendezvous for a fixed number of threads (Python's
/// threading.Barrier).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>

namespace braid::threading {

/// A reusable barrier for `parties` threads (Python's threading.Barrier).
///
/// Each wait() blocks until `parties` threads have called it, then all return together and the
/// barrier is ready for the next round. Before they are released, one of them (the last to
/// arrive) runs the optional `action`. The barrier breaks, making every current and future
/// wait() throw broken_barrier_error until reset(), when: abort() is called, a wait() times out,
/// or the action throws (that exception propagates from the wait() that ran the action).
///
/// All member functions are thread-safe.
class barrier {
 public:
  /// A barrier for `parties` threads (at least 1), running `action` once per round, whose waits
  /// time out after `timeout` unless given their own. Throws value_error if `parties` is 0.
  explicit barrier(std::size_t parties, std::function<void()> action = {},
                   std::optional<std::chrono::nanoseconds> timeout = std::nullopt);
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;
  /// Precondition: no thread is waiting.
  ~barrier();

  /// Waits for the other parties, using the barrier's default timeout (none: forever). Returns
  /// this thread's arrival index, 0 to parties() - 1, distinct for each thread in a round. Throws
  /// broken_barrier_error if the barrier is or becomes broken, is reset while waiting, or the
  /// timeout passes (which also breaks it); rethrows what the action throws.
  std::size_t wait();

  /// As wait(), giving up after `timeout` (and then breaking the barrier).
  std::size_t wait(std::chrono::nanoseconds timeout);

  /// Returns the barrier to its empty, unbroken state; threads waiting on it now get
  /// broken_barrier_error. Never throws.
  void reset() noexcept;

  /// Breaks the barrier: current and future waits throw broken_barrier_error until reset().
  /// Never throws.
  void abort() noexcept;

  /// The number of threads needed to pass the barrier. Never throws.
  [[nodiscard]] std::size_t parties() const noexcept { return parties_; }

  /// The number of threads waiting now (a snapshot). Never throws.
  [[nodiscard]] std::size_t n_waiting() const noexcept;

  /// Whether the barrier is broken. Never throws.
  [[nodiscard]] bool broken() const noexcept;

 private:
  enum class state { filling, draining, resetting, broken };

  std::size_t wait_impl(const std::optional<std::chrono::nanoseconds>& timeout);
  void enter(std::unique_lock<std::mutex>& guard);
  void release_round();
  void await_round(std::unique_lock<std::mutex>& guard,
                   const std::optional<std::chrono::nanoseconds>& timeout);
  void exit() noexcept;
  void break_barrier() noexcept;

  const std::size_t parties_;
  const std::function<void()> action_;
  const std::optional<std::chrono::nanoseconds> timeout_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  state state_ = state::filling;
  std::size_t count_ = 0;
};

}  // namespace braid::threading
