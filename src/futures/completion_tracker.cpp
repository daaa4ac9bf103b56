// Completion-order tracking for wait() and as_completed() (see detail/completion_tracker.hpp).
#include "braid/futures/detail/completion_tracker.hpp"

namespace braid::futures::detail {

using threading::detail::futex_wait;
using threading::detail::futex_wait_until;
using threading::detail::futex_wake_all;

completion_tracker::completion_tracker(const std::vector<state_base*>& states)
    : nodes_storage_(new node[states.size()]) {
  nodes_.reserve(states.size());
  ready_.reserve(states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    node& n = nodes_storage_[i];
    n.tracker = this;
    n.state = states[i];
    n.index = i;
    nodes_.push_back(&n);
    n.linked = n.state->add_node(n);
    if (!n.linked) {
      std::lock_guard lock(mutex_);
      ready_.push_back(i);
    }
  }
}

void completion_tracker::node::notify() noexcept {
  tracker->push_ready(index);
}

void completion_tracker::push_ready(std::size_t index) noexcept {
  {
    std::lock_guard lock(mutex_);
    ready_.push_back(index);  // capacity reserved: cannot throw
  }
  // Read before the counter moves: the counter is the last thing written here, and once the
  // destructor sees it nothing in this object may be touched (futex_wake only names the address).
  // A waiter that parks after this read re-reads the counter first, so skipping the wake is safe.
  const bool wake = parked_.load(std::memory_order_seq_cst);
  notified_.fetch_add(1, std::memory_order_seq_cst);
  if (wake) futex_wake_all(notified_);
}

completion_tracker::~completion_tracker() {
  // Every linked node either comes off its list here (and is never notified) or was taken by
  // completion, whose notify() has run or is about to; wait for exactly those.
  std::uint32_t taken = 0;
  for (node* n : nodes_) {
    if (n->linked && !n->state->remove_node(*n)) ++taken;
  }
  parked_.store(true, std::memory_order_seq_cst);
  for (;;) {
    const std::uint32_t seen = notified_.load(std::memory_order_seq_cst);
    if (seen >= taken) return;
    futex_wait(notified_, seen);
  }
}

std::optional<std::size_t> completion_tracker::next(deadline_type deadline) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (consumed_ < ready_.size()) return ready_[consumed_++];
    }
    parked_.store(true, std::memory_order_seq_cst);
    const std::uint32_t seen = notified_.load(std::memory_order_seq_cst);
    {
      std::lock_guard lock(mutex_);
      if (consumed_ < ready_.size()) return ready_[consumed_++];
    }
    if (!deadline) {
      futex_wait(notified_, seen);
    } else if (!futex_wait_until(notified_, seen, *deadline)) {
      std::lock_guard lock(mutex_);
      if (consumed_ < ready_.size()) return ready_[consumed_++];
      return std::nullopt;
    }
  }
}

}  // namespace braid::futures::detail
