#include "braid/asyncio/detail/timer_heap.hpp"

namespace braid::asyncio::detail {

void timer_heap::push(timer_node& n) {
  n.seq = next_seq_++;
  heap_.push_back(&n);
  n.index = static_cast<std::uint32_t>(heap_.size() - 1);
  sift_up(heap_.size() - 1);
}

void timer_heap::erase(timer_node& n) noexcept {
  if (!n.armed()) return;
  const std::size_t i = n.index;
  n.index = timer_node::npos;
  timer_node* last = heap_.back();
  heap_.pop_back();
  if (last == &n) return;
  place(i, last);
  if (i > 0 && less(last, heap_[(i - 1) / 4])) {
    sift_up(i);
  } else {
    sift_down(i);
  }
}

timer_node* timer_heap::pop() noexcept {
  timer_node* n = heap_.front();
  erase(*n);
  return n;
}

void timer_heap::sift_up(std::size_t i) noexcept {
  timer_node* n = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!less(n, heap_[parent])) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, n);
}

void timer_heap::sift_down(std::size_t i) noexcept {
  timer_node* n = heap_[i];
  const std::size_t size = heap_.size();
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= size) break;
    std::size_t best = first;
    const std::size_t end = first + 4 < size ? first + 4 : size;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (less(heap_[c], heap_[best])) best = c;
    }
    if (!less(heap_[best], n)) break;
    place(i, heap_[best]);
    i = best;
  }
  place(i, n);
}

}  // namespace braid::asyncio::detail
