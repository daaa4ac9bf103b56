// The barrier, following CPython's Lib/threading.py state machine: filling -> draining (the
// round passed) -> filling once the last thread left; broken until reset; resetting while the
// waiters of a reset round leave.
#include "braid/threading/barrier.hpp"

#include "braid/threading/detail/deadline.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

barrier::barrier(std::size_t parties, std::function<void()> action,
                 std::optional<std::chrono::nanoseconds> timeout)
    : parties_(parties), action_(std::move(action)), timeout_(timeout) {
  if (parties == 0) throw value_error("barrier needs at least one party");
}

barrier::~barrier() = default;

std::size_t barrier::wait() {
  return wait_impl(timeout_);
}

std::size_t barrier::wait(std::chrono::nanoseconds timeout) {
  return wait_impl(timeout);
}

std::size_t barrier::wait_impl(const std::optional<std::chrono::nanoseconds>& timeout) {
  std::unique_lock<std::mutex> guard(mutex_);
  enter(guard);
  const std::size_t index = count_++;
  struct leave {  // runs whether the round passed or threw
    barrier& b;
    ~leave() {
      --b.count_;
      b.exit();
    }
  } on_exit{*this};
  if (index + 1 == parties_) {
    release_round();
  } else {
    await_round(guard, timeout);
  }
  return index;
}

// Blocks while the previous round drains or resets.
void barrier::enter(std::unique_lock<std::mutex>& guard) {
  changed_.wait(guard, [this] { return state_ != state::draining && state_ != state::resetting; });
  if (state_ == state::broken) throw broken_barrier_error("barrier is broken");
}

// The last arrival: runs the action (with the barrier's mutex held, as Python does).
void barrier::release_round() {
  try {
    if (action_) action_();
    state_ = state::draining;
    changed_.notify_all();
  } catch (...) {
    break_barrier();
    throw;
  }
}

void barrier::await_round(std::unique_lock<std::mutex>& guard,
                          const std::optional<std::chrono::nanoseconds>& timeout) {
  auto passed = [this] { return state_ != state::filling; };
  if (timeout) {
    if (!changed_.wait_until(guard, detail::deadline_after(*timeout), passed)) {
      break_barrier();
      throw broken_barrier_error("barrier wait timed out");
    }
  } else {
    changed_.wait(guard, passed);
  }
  if (state_ != state::draining) throw broken_barrier_error("barrier was broken or reset");
}

// The last thread out of a drained or reset round reopens the barrier.
void barrier::exit() noexcept {
  if (count_ == 0 && (state_ == state::draining || state_ == state::resetting)) {
    state_ = state::filling;
    changed_.notify_all();
  }
}

void barrier::break_barrier() noexcept {
  state_ = state::broken;
  changed_.notify_all();
}

void barrier::reset() noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  if (count_ > 0) {
    if (state_ == state::filling || state_ == state::broken) state_ = state::resetting;
  } else {
    state_ = state::filling;
  }
  changed_.notify_all();
}

void barrier::abort() noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  break_barrier();
}

std::size_t barrier::n_waiting() const noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  return state_ == state::filling ? count_ : 0;
}

bool barrier::broken() const noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  return state_ == state::broken;
}

}  // namespace braid::threading
