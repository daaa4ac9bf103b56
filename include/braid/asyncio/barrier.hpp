#pragma once
/// \file
/// braid::asyncio::barrier (Python 3.11's asyncio.Barrier): `parties` tasks wait for each other,
/// then all go on together. Loop-thread only.

#include <cstddef>

#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

/// A reusable barrier: the `parties`-th call of wait() releases every waiting task and the
/// barrier fills again from empty.
///
/// Cancel safety: a waiter cancelled before the barrier trips leaves it as if it had never
/// arrived (n_waiting() drops by one; the barrier is not broken). A waiter cancelled after the
/// barrier tripped keeps its index and returns normally; the cancellation comes at its next
/// suspension point. Unlike Python, reset() and abort() are plain functions (no lock to take).
class barrier {
 public:
  /// Throws invalid_state_error if `parties` is 0 (Python raises ValueError).
  explicit barrier(std::size_t parties);
  barrier(const barrier&) = delete;
  barrier& operator=(const barrier&) = delete;
  /// Wakes every waiter with broken_barrier_error (as reset()). Never throws.
  ~barrier();

  /// Waits until `parties` tasks are waiting, then returns this task's index, a distinct number
  /// from 0 to parties() - 1 in arrival order (the last to arrive gets parties() - 1 and does not
  /// suspend). Throws broken_barrier_error if the barrier is broken (abort()) or is reset while
  /// this task waits; cancelled_error (Python's Barrier.wait()); event_loop_error if it must
  /// wait outside a task (a coroutine resumed by a plain callback).
  /// **Cancel safety**: cancel-safe: see the class comment. The last party does not suspend, so
  /// a cancellation pending then is delivered at its next suspension point.
  task<std::size_t> wait();

  /// Wakes every waiter with broken_barrier_error and empties the barrier, which is usable again
  /// at once (Python's reset()). Never throws.
  void reset() noexcept;
  /// Breaks the barrier: every waiter, and every later wait() until reset(), throws
  /// broken_barrier_error (Python's abort()). Never throws.
  void abort() noexcept;

  /// The number given to the constructor (Python's parties). Never throws.
  std::size_t parties() const noexcept { return parties_; }
  /// Tasks waiting now (Python's n_waiting). Never throws.
  std::size_t n_waiting() const noexcept { return waiting_; }
  /// True after abort(), until reset() (Python's broken). Never throws.
  bool broken() const noexcept { return broken_; }

 private:
  struct operation;  // one waiting task (src/asyncio/barrier.cpp)
  void fail_all() noexcept;

  detail::wait_list waiters_;
  std::size_t parties_;
  std::size_t waiting_ = 0;
  bool broken_ = false;
};

}  // namespace braid::asyncio
