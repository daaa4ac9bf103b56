#pragma once
/// \file
/// braid::threading::detail::basic_queue: the public queue API over queue_core, templated only on
/// the element type and the store that orders items (FIFO, LIFO or heap).

#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <utility>

#include "braid/threading/detail/queue_core.hpp"

namespace braid::threading::detail {

/// The API shared by queue, lifo_queue and priority_queue (Python's queue.Queue). `Store` has
/// push(U&&), pop() -> T and clear(); it is only touched with the queue's mutex held.
///
/// Items are moved in and out (move-only types work); copying put() overloads exist only for
/// copyable types. A put that throws (full, shut down) leaves the caller's item untouched.
/// All member functions are thread-safe. Blocking calls are not cancellation points.
template <class T, class Store>
class basic_queue : public queue_core {
 public:
  using value_type = T;

  /// A queue holding at most `maxsize` items; 0 means unbounded. Never throws (except what
  /// constructing the store throws).
  template <class... StoreArgs>
  explicit basic_queue(std::size_t maxsize = 0, StoreArgs&&... store_args)
      : queue_core(maxsize), store_(std::forward<StoreArgs>(store_args)...) {}
  ~basic_queue() override = default;

  /// Adds `item`, blocking while the queue is full. Throws queue_shut_down if the queue is (or
  /// becomes, while blocked) shut down; what moving `item` or allocating throws.
  void put(T&& item) { put_impl(std::move(item), queue_wait::forever()); }
  /// As put(T&&), copying `item`.
  void put(const T& item) requires std::copy_constructible<T> {
    put_impl(item, queue_wait::forever());
  }

  /// Adds `item`, blocking at most `timeout` while the queue is full. Throws queue_full if it
  /// stayed full, queue_shut_down as put(item).
  void put(T&& item, std::chrono::nanoseconds timeout) {
    put_impl(std::move(item), queue_wait::for_timeout(timeout));
  }
  /// As put(T&&, timeout), copying `item`.
  void put(const T& item, std::chrono::nanoseconds timeout) requires std::copy_constructible<T> {
    put_impl(item, queue_wait::for_timeout(timeout));
  }

  /// Adds `item` if there is room now. Throws queue_full if the queue is full, queue_shut_down
  /// if it is shut down.
  void put_nowait(T&& item) { put_impl(std::move(item), queue_wait::never()); }
  /// As put_nowait(T&&), copying `item`.
  void put_nowait(const T& item) requires std::copy_constructible<T> {
    put_impl(item, queue_wait::never());
  }

  /// Adds `item` if there is room now; returns false (leaving `item` untouched) if the queue is
  /// full. Throws queue_shut_down if the queue is shut down.
  bool try_put(T&& item) { return try_put_impl(std::move(item)); }
  /// As try_put(T&&), copying `item`.
  bool try_put(const T& item) requires std::copy_constructible<T> { return try_put_impl(item); }

  /// Removes and returns the next item, blocking while the queue is empty. Throws
  /// queue_shut_down once the queue is shut down and empty (also to getters blocked then).
  T get() { return get_impl(queue_wait::forever()); }

  /// As get(), blocking at most `timeout`. Throws queue_empty if the queue stayed empty.
  T get(std::chrono::nanoseconds timeout) { return get_impl(queue_wait::for_timeout(timeout)); }

  /// Removes and returns the next item if there is one now. Throws queue_empty if the queue is
  /// empty, queue_shut_down if it is also shut down.
  T get_nowait() { return get_impl(queue_wait::never()); }

  /// Removes and returns the next item if there is one now, std::nullopt if the queue is empty.
  /// Throws queue_shut_down if it is empty and shut down.
  std::optional<T> try_get() {
    auto guard = begin_get(queue_wait::never());
    if (!guard.owns_lock()) return std::nullopt;
    std::optional<T> item(store_.pop());
    end_get(guard);
    return item;
  }

  /// Shuts the queue down (Python 3.13's Queue.shutdown): puts throw queue_shut_down from now on,
  /// including those blocked; gets return the remaining items, then throw queue_shut_down. With
  /// `immediate`, the remaining items are discarded (counted as task_done() for join()) and
  /// blocked getters throw at once. Idempotent. Thread-safe; never throws.
  void shutdown(bool immediate = false) noexcept { queue_core::shutdown(immediate); }

 private:
  void discard_all() noexcept override { store_.clear(); }

  template <class U>
  void put_impl(U&& item, queue_wait wait) {
    auto guard = begin_put(wait);
    if (!guard.owns_lock()) throw_full();
    store_.push(std::forward<U>(item));
    end_put(guard);
  }

  template <class U>
  bool try_put_impl(U&& item) {
    auto guard = begin_put(queue_wait::never());
    if (!guard.owns_lock()) return false;
    store_.push(std::forward<U>(item));
    end_put(guard);
    return true;
  }

  T get_impl(queue_wait wait) {
    auto guard = begin_get(wait);
    if (!guard.owns_lock()) throw_empty();
    T item = store_.pop();
    end_get(guard);
    return item;
  }

  Store store_;
};

}  // namespace braid::threading::detail
