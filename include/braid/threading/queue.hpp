#pragma once
/// \file
/// braid::threading::queue: a thread-safe FIFO queue with task tracking and shutdown (Python's
/// queue.Queue). See also lifo_queue.hpp, priority_queue.hpp, simple_queue.hpp.

#include <deque>
#include <utility>

#include "braid/threading/detail/basic_queue.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

namespace detail {

template <class T>
struct fifo_store {
  template <class U>
  void push(U&& item) {
    items.push_back(std::forward<U>(item));
  }
  T pop() {
    T item = std::move(items.front());
    items.pop_front();
    return item;
  }
  void clear() noexcept { items.clear(); }
  std::deque<T> items;
};

}  // namespace detail

/// A first-in, first-out queue for passing items between threads (Python's queue.Queue).
///
/// Constructed with `maxsize` (0: unbounded). Blocking put()/get() have overloads with a
/// std::chrono timeout that throw queue_full / queue_empty when it passes; put_nowait()/
/// get_nowait() throw at once; try_put()/try_get() return false / std::nullopt instead. Consumers
/// call task_done() per item, and join() waits until all items are done. shutdown() ends the
/// queue (Python 3.13). Full reference: detail::basic_queue. Thread-safe.
template <class T>
class queue : public detail::basic_queue<T, detail::fifo_store<T>> {
 public:
  /// An empty queue holding at most `maxsize` items (0: unbounded). Never throws.
  explicit queue(std::size_t maxsize = 0)
      : detail::basic_queue<T, detail::fifo_store<T>>(maxsize) {}
};

}  // namespace braid::threading
