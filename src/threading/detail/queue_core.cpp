// The shared queue machinery, following CPython's Lib/queue.py (3.13, with shutdown).
#include "braid/threading/detail/queue_core.hpp"

#include "braid/threading/detail/deadline.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading::detail {

queue_wait queue_wait::for_timeout(std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero()) return never();
  return {kind::until, deadline_after(timeout)};
}

namespace {

// Waits on `cv` until `ready()`, as `wait` allows; returns whether ready() holds.
template <class Ready>
bool wait_ready(std::condition_variable& cv, std::unique_lock<std::mutex>& guard,
                const queue_wait& wait, Ready ready) {
  switch (wait.how) {
    case queue_wait::kind::never:
      return ready();
    case queue_wait::kind::until:
      return cv.wait_until(guard, wait.deadline, ready);
    case queue_wait::kind::forever:
      break;
  }
  cv.wait(guard, ready);
  return true;
}

}  // namespace

queue_core::~queue_core() = default;

std::size_t queue_core::qsize() const noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  return size_;
}

bool queue_core::empty() const noexcept {
  return qsize() == 0;
}

bool queue_core::full() const noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  return maxsize_ > 0 && size_ >= maxsize_;
}

bool queue_core::is_shut_down() const noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  return shut_down_;
}

void queue_core::task_done() {
  std::lock_guard<std::mutex> guard(mutex_);
  if (unfinished_ == 0) throw value_error("task_done() called too many times");
  if (--unfinished_ == 0) all_tasks_done_.notify_all();
}

void queue_core::join() noexcept {
  std::unique_lock<std::mutex> guard(mutex_);
  all_tasks_done_.wait(guard, [this] { return unfinished_ == 0; });
}

std::unique_lock<std::mutex> queue_core::begin_put(queue_wait wait) {
  std::unique_lock<std::mutex> guard(mutex_);
  if (shut_down_) throw queue_shut_down("put on a shut-down queue");
  if (maxsize_ == 0) return guard;
  const bool room =
      wait_ready(not_full_, guard, wait, [this] { return size_ < maxsize_ || shut_down_; });
  if (shut_down_) throw queue_shut_down("put on a shut-down queue");
  if (!room) return {};
  return guard;
}

void queue_core::end_put(std::unique_lock<std::mutex>& guard) noexcept {
  (void)guard;
  ++size_;
  ++unfinished_;
  not_empty_.notify_one();
}

std::unique_lock<std::mutex> queue_core::begin_get(queue_wait wait) {
  std::unique_lock<std::mutex> guard(mutex_);
  wait_ready(not_empty_, guard, wait, [this] { return size_ > 0 || shut_down_; });
  if (size_ > 0) return guard;  // items are handed out even after shutdown(false)
  if (shut_down_) throw queue_shut_down("get on a shut-down, empty queue");
  return {};
}

void queue_core::end_get(std::unique_lock<std::mutex>& guard) noexcept {
  (void)guard;
  --size_;
  not_full_.notify_one();
}

void queue_core::shutdown(bool immediate) noexcept {
  std::lock_guard<std::mutex> guard(mutex_);
  shut_down_ = true;
  if (immediate) {
    discard_all();
    unfinished_ -= size_ < unfinished_ ? size_ : unfinished_;
    size_ = 0;
    all_tasks_done_.notify_all();
  }
  // Every blocked getter and putter re-checks: putters throw, getters drain then throw.
  not_empty_.notify_all();
  not_full_.notify_all();
}

void queue_core::throw_full() {
  throw queue_full("queue is full");
}

void queue_core::throw_empty() {
  throw queue_empty("queue is empty");
}

}  // namespace braid::threading::detail
