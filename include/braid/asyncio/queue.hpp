#pragma once
/// \file
/// braid::asyncio::queue, priority_queue and lifo_queue (Python's asyncio.Queue,
/// PriorityQueue, LifoQueue): maxsize back-pressure, task_done()/join(), shutdown(immediate).
/// Waiters are woken in FIFO order. Loop-thread only.

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <utility>
#include <vector>

#include "braid/asyncio/detail/park.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

namespace detail {
template <class T>
struct fifo_store {
  std::deque<T> items;
  void push(T v) { items.push_back(std::move(v)); }
  T pop() {
    T v = std::move(items.front());
    items.pop_front();
    return v;
  }
};
template <class T>
struct lifo_store {
  std::vector<T> items;
  void push(T v) { items.push_back(std::move(v)); }
  T pop() {
    T v = std::move(items.back());
    items.pop_back();
    return v;
  }
};
template <class T>
struct priority_store {  // smallest first, like heapq
  std::vector<T> items;
  void push(T v) {
    items.push_back(std::move(v));
    std::push_heap(items.begin(), items.end(), std::greater<>());
  }
  T pop() {
    std::pop_heap(items.begin(), items.end(), std::greater<>());
    T v = std::move(items.back());
    items.pop_back();
    return v;
  }
};
}  // namespace detail

/// The queue behind queue, priority_queue and lifo_queue (see the file comment). Loop-thread
/// only. Besides the errors listed, what T's move or comparison throws passes through.
template <class T, class Store>
class basic_queue {
 public:
  /// `maxsize` 0 means unbounded (Python's Queue(maxsize)). Never throws.
  explicit basic_queue(std::size_t maxsize = 0) : maxsize_(maxsize) {}

  /// Items in the queue (Python's qsize()). Never throws.
  std::size_t qsize() const noexcept { return store_.items.size(); }
  /// The bound given to the constructor; 0 for none. Never throws.
  std::size_t maxsize() const noexcept { return maxsize_; }
  /// No item in the queue (Python's empty()). Never throws.
  bool empty() const noexcept { return store_.items.empty(); }
  /// Bounded and at its bound (Python's full()). Never throws.
  bool full() const noexcept { return maxsize_ != 0 && qsize() >= maxsize_; }

  /// Adds an item, waiting while the queue is full (Python's put()); does not suspend when there
  /// is room. Throws queue_shut_down after shutdown(), cancelled_error, as put_nowait();
  /// event_loop_error if it must wait outside a task.
  /// **Cancel safety**: a cancelled put adds nothing, but `item` (moved into the call) is
  /// destroyed with it: keep a copy if it must not be lost.
  task<void> put(T item) {
    while (full()) {
      if (shut_down_) throw queue_shut_down();
      detail::park_operation op(putters_, false);
      co_await op;
    }
    put_nowait(std::move(item));
  }
  /// Adds an item at once (Python's put_nowait()). Throws queue_full, queue_shut_down,
  /// std::bad_alloc.
  void put_nowait(T item) {
    if (shut_down_) throw queue_shut_down();
    if (full()) throw queue_full();
    store_.push(std::move(item));
    ++unfinished_;
    getters_.wake_one();
  }
  /// Removes an item, waiting while the queue is empty (Python's get()); does not suspend when
  /// an item is there. Throws queue_shut_down if the queue is shut down and empty;
  /// cancelled_error; event_loop_error if it must wait outside a task.
  /// **Cancel safety**: cancel-safe: a cancelled get takes nothing, and a get that was woken for
  /// an item takes it even if cancelled meanwhile (the cancellation then comes at the next
  /// suspension point), so no item is ever lost.
  task<T> get() {
    while (empty()) {
      if (shut_down_) throw queue_shut_down();
      detail::park_operation op(getters_, false);
      co_await op;
    }
    co_return get_nowait();
  }
  /// Removes an item at once (Python's get_nowait()). Throws queue_empty, or queue_shut_down if
  /// shut down and empty.
  T get_nowait() {
    if (empty()) {
      if (shut_down_) throw queue_shut_down();
      throw queue_empty();
    }
    T v = store_.pop();
    putters_.wake_one();
    if (!empty()) getters_.wake_one();  // in case a woken getter went elsewhere
    return v;
  }
  /// Marks one item fully processed (Python's task_done()). Throws invalid_state_error if called
  /// more times than items were put (Python raises ValueError).
  void task_done() {
    if (unfinished_ == 0) throw invalid_state_error("task_done() called too many times");
    if (--unfinished_ == 0) joiners_.wake_all();
  }
  /// Waits until every item put has been marked task_done (items dropped by an immediate
  /// shutdown count as done; items taken before it still need their task_done) (Python's
  /// join()); does not suspend if none is unfinished. Throws cancelled_error; event_loop_error
  /// if it must wait outside a task.
  /// **Cancel safety**: cancel-safe: a cancelled join() throws cancelled_error and changes
  /// nothing.
  task<void> join() {
    while (unfinished_ != 0) {
      detail::park_operation op(joiners_, false);
      co_await op;
    }
  }
  /// Shuts the queue down (Python 3.13's Queue.shutdown): put() throws from now on, get()
  /// throws once the queue is empty. With `immediate`, the queue is emptied at once and get()
  /// throws straight away; the dropped items count as done (the unfinished count goes down by
  /// their number, as in Python 3.13), while items already taken still need their task_done()
  /// before join() returns. Every waiter is woken. Never throws (destroying the dropped items
  /// must not throw).
  void shutdown(bool immediate = false) noexcept {
    shut_down_ = true;
    if (immediate) {
      const std::size_t dropped = store_.items.size();
      store_.items.clear();
      unfinished_ -= std::min(dropped, unfinished_);
      if (unfinished_ == 0) joiners_.wake_all();
    }
    getters_.wake_all();
    putters_.wake_all();
  }

 private:
  Store store_;
  detail::wait_list getters_;
  detail::wait_list putters_;
  detail::wait_list joiners_;
  std::size_t maxsize_;
  std::size_t unfinished_ = 0;
  bool shut_down_ = false;
};

/// FIFO queue (Python's asyncio.Queue).
template <class T>
using queue = basic_queue<T, detail::fifo_store<T>>;
/// Smallest item first (Python's asyncio.PriorityQueue).
template <class T>
using priority_queue = basic_queue<T, detail::priority_store<T>>;
/// Last in, first out (Python's asyncio.LifoQueue).
template <class T>
using lifo_queue = basic_queue<T, detail::lifo_store<T>>;

}  // namespace braid::asyncio
