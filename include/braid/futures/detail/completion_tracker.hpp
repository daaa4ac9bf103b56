#pragma once
/// \file
/// Watches a set of states and hands out their indexes in completion order: the one mechanism
/// under futures::wait() and futures::as_completed(). Compiled once in src/futures/.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "braid/futures/detail/state_base.hpp"
#include "braid/threading/detail/futex.hpp"

namespace braid::futures::detail {

class completion_tracker {
 public:
  using deadline_type = std::optional<std::chrono::steady_clock::time_point>;

  /// Starts watching every state; those already done are ready at once, in input order.
  explicit completion_tracker(const std::vector<state_base*>& states);
  /// Stops watching; waits only for notifications already in flight (never for the work).
  ~completion_tracker();
  completion_tracker(const completion_tracker&) = delete;
  completion_tracker& operator=(const completion_tracker&) = delete;

  /// The index of the next state to complete, or nullopt if `deadline` passes first.
  /// Must not be called more than size() times.
  std::optional<std::size_t> next(deadline_type deadline);

  std::size_t size() const noexcept { return nodes_.size(); }

 private:
  struct node final : completion_node {
    completion_tracker* tracker = nullptr;
    state_base* state = nullptr;
    std::size_t index = 0;
    bool linked = false;
    void notify() noexcept override;
  };
  void push_ready(std::size_t index) noexcept;  // called by node::notify()

  std::unique_ptr<node[]> nodes_storage_;
  std::vector<node*> nodes_;
  std::mutex mutex_;                           // guards ready_
  std::vector<std::size_t> ready_;             // indexes in completion order
  std::size_t consumed_ = 0;                   // how many of ready_ next() has handed out
  threading::detail::futex_word notified_{0};  // counts notifications, for parking in next()
  std::atomic<bool> parked_{false};  // a thread may be blocked on notified_: wakes are needed
};

}  // namespace braid::futures::detail
