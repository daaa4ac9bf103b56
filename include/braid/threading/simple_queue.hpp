#pragma once
/// \file
/// braid::threading::simple_queue: an unbounded FIFO queue without task tracking or shutdown
/// (Python's queue.SimpleQueue).

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <utility>

#include "braid/threading/queue.hpp"

namespace braid::threading {

/// An unbounded first-in, first-out queue (Python's queue.SimpleQueue): put() never blocks, and
/// there is no maxsize, task_done()/join() or shutdown(). All member functions are thread-safe.
template <class T>
class simple_queue {
 public:
  using value_type = T;

  /// An empty queue. Never throws.
  simple_queue() = default;
  simple_queue(const simple_queue&) = delete;
  simple_queue& operator=(const simple_queue&) = delete;

  /// Adds `item`; never blocks. Throws what moving `item` or allocating throws.
  void put(T&& item) { queue_.put(std::move(item)); }
  /// As put(T&&), copying `item`.
  void put(const T& item) requires std::copy_constructible<T> { queue_.put(item); }
  /// Python's put_nowait: the same as put().
  void put_nowait(T&& item) { put(std::move(item)); }
  /// As put_nowait(T&&), copying `item`.
  void put_nowait(const T& item) requires std::copy_constructible<T> { put(item); }

  /// Removes and returns the oldest item, blocking while the queue is empty. Never throws except
  /// what moving an item throws.
  T get() { return queue_.get(); }
  /// As get(), blocking at most `timeout`. Throws queue_empty if the queue stayed empty.
  T get(std::chrono::nanoseconds timeout) { return queue_.get(timeout); }
  /// Removes and returns the oldest item if there is one now. Throws queue_empty otherwise.
  T get_nowait() { return queue_.get_nowait(); }
  /// Removes and returns the oldest item if there is one now, std::nullopt otherwise.
  std::optional<T> try_get() { return queue_.try_get(); }

  /// The number of items queued (a snapshot). Never throws.
  [[nodiscard]] std::size_t qsize() const noexcept { return queue_.qsize(); }
  /// Whether no item is queued (a snapshot). Never throws.
  [[nodiscard]] bool empty() const noexcept { return queue_.empty(); }

 private:
  queue<T> queue_;
};

}  // namespace braid::threading
