#pragma once
/// \file
/// braid::threading::priority_queue: a thread-safe queue handing out the smallest item first
/// (Python's queue.PriorityQueue).

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "braid/threading/detail/basic_queue.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

namespace detail {

// A binary heap whose top is the smallest item under `Compare` (Python's heapq order; the
// opposite of std::priority_queue, whose top is the largest).
template <class T, class Compare>
struct heap_store {
  heap_store() = default;
  explicit heap_store(Compare c) : compare(std::move(c)) {}

  template <class U>
  void push(U&& item) {
    items.push_back(std::forward<U>(item));
    std::push_heap(items.begin(), items.end(), greater());
  }
  T pop() {
    std::pop_heap(items.begin(), items.end(), greater());
    T item = std::move(items.back());
    items.pop_back();
    return item;
  }
  void clear() noexcept { items.clear(); }

  auto greater() {
    return [this](const T& a, const T& b) { return compare(b, a); };
  }

  Compare compare;
  std::vector<T> items;
};

}  // namespace detail

/// A queue whose get() returns the smallest item under `Compare` (std::less by default), like
/// Python's queue.PriorityQueue (a heapq: smallest first, so std::pair{priority, value} items
/// come out lowest priority number first). Items that compare equal come out in no particular
/// order. Otherwise exactly like braid::threading::queue. Thread-safe.
template <class T, class Compare = std::less<T>>
class priority_queue : public detail::basic_queue<T, detail::heap_store<T, Compare>> {
 public:
  /// An empty queue holding at most `maxsize` items (0: unbounded), ordered by `compare`.
  /// Throws what copying `compare` throws.
  explicit priority_queue(std::size_t maxsize = 0, Compare compare = Compare())
      : detail::basic_queue<T, detail::heap_store<T, Compare>>(maxsize, std::move(compare)) {}
};

}  // namespace braid::threading
