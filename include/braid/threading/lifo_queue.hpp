#pragma once
/// \file
/// braid::threading::lifo_queue: a thread-safe stack (Python's queue.LifoQueue).

#include <utility>
#include <vector>

#include "braid/threading/detail/basic_queue.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

namespace detail {

template <class T>
struct lifo_store {
  template <class U>
  void push(U&& item) {
    items.push_back(std::forward<U>(item));
  }
  T pop() {
    T item = std::move(items.back());
    items.pop_back();
    return item;
  }
  void clear() noexcept { items.clear(); }
  std::vector<T> items;
};

}  // namespace detail

/// A last-in, first-out queue (Python's queue.LifoQueue): get() returns the most recently put
/// item. Otherwise exactly like braid::threading::queue. Thread-safe.
template <class T>
class lifo_queue : public detail::basic_queue<T, detail::lifo_store<T>> {
 public:
  /// An empty queue holding at most `maxsize` items (0: unbounded). Never throws.
  explicit lifo_queue(std::size_t maxsize = 0)
      : detail::basic_queue<T, detail::lifo_store<T>>(maxsize) {}
};

}  // namespace braid::threading
