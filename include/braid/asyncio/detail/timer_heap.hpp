#pragma once
/// \file
/// A 4-ary min-heap of timer_nodes ordered by (deadline, seq). Each node stores its heap index, so
/// erase (cancel) is O(log n) and allocates nothing. Loop-thread only.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"

namespace braid::asyncio::detail {

class timer_heap {
 public:
  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  timer_node* top() const noexcept { return heap_.front(); }

  /// Inserts `n` (which must not be armed). Throws only std::bad_alloc.
  void push(timer_node& n);
  /// Removes `n` if armed; harmless otherwise.
  void erase(timer_node& n) noexcept;
  /// Removes and returns the earliest node.
  timer_node* pop() noexcept;

 private:
  static bool less(const timer_node* a, const timer_node* b) noexcept {
    // seq wraps: serial-number order is exact while armed timers with one deadline span less
    // than 2^31 insertions.
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && static_cast<std::int32_t>(a->seq - b->seq) < 0);
  }
  void sift_up(std::size_t i) noexcept;
  void sift_down(std::size_t i) noexcept;
  void place(std::size_t i, timer_node* n) noexcept {
    heap_[i] = n;
    n->index = static_cast<std::uint32_t>(i);
  }

  std::vector<timer_node*> heap_;
  std::uint32_t next_seq_ = 0;
};

}  // namespace braid::asyncio::detail
