#pragma once
/// \file
/// braid::multiprocessing::queue<T>, simple_queue<T>, joinable_queue<T>: Python's
/// multiprocessing.Queue, SimpleQueue and JoinableQueue, typed, in shared memory.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/multiprocessing/detail/shared_object.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace braid::multiprocessing {

namespace detail {
struct alignas(std::max_align_t) queue_state {
  queue_state(std::size_t capacity, std::size_t maxsize);
  pthread_mutex_t m;
  pthread_cond_t not_empty, not_full, all_done;
  std::size_t capacity, maxsize;
  std::size_t head = 0, used = 0, count = 0, unfinished = 0;
};

/// The untyped queue: messages of bytes in a ring buffer in shared memory.
class queue_core : public shared_object<queue_state> {
 public:
  queue_core(std::size_t maxsize, std::size_t capacity);
  explicit queue_core(empty_tag) {}
  /// False if the queue stayed full until the deadline (or `block` is false).
  /// Throws transfer_error if one message exceeds the capacity.
  bool put(std::string_view bytes, bool block, deadline_type deadline);
  std::optional<std::string> get(bool block, deadline_type deadline);
  std::size_t qsize() const;
  void task_done();
  bool join(deadline_type deadline);
};
}  // namespace detail

/// Options of a queue.
struct queue_options {
  /// Most items at once; 0 means no limit other than `capacity`.
  std::size_t maxsize = 0;
  /// Bytes of shared memory for queued items (each costs its encoded size plus 8).
  std::size_t capacity = 1 << 20;
};

/// A process-shared FIFO queue of T (Python's multiprocessing.Queue).
///
/// put() serialises the item at once, in the caller, and throws there if it cannot (Python
/// pickles later in a feeder thread and loses the error); items then travel through shared
/// memory, with no feeder thread to flush at exit. The queue lives in a shared-memory block
/// owned by its creator and travels to other processes (as an argument) by name.
/// Thread- and process-safe.
template <class T>
class queue {
 public:
  /// A new empty queue in its own shared-memory block. Throws os_error if shared memory is
  /// unavailable.
  explicit queue(queue_options options = {}) : core_(options.maxsize, options.capacity) {
    detail::check_sendable<T>();
  }
  /// An empty queue object, to be loaded from another process's.
  explicit queue(detail::empty_tag tag) : core_(tag) {}

  /// Adds an item, waiting while the queue is full if `block` (Python's put(item, block)).
  /// Throws what its serialisation throws (in the caller); queue_full if the queue is full and
  /// `block` is false; transfer_error if the item alone is larger than the capacity.
  void put(const T& item, bool block = true) { put_until(item, block, std::nullopt); }
  /// As put(item), waiting at most `timeout` (Python's put(item, timeout=...)). Throws
  /// queue_full if the queue stayed full, and as put(item) does.
  void put(const T& item, std::chrono::nanoseconds timeout) {
    put_until(item, true, braid::detail::deadline_after(timeout));
  }
  /// put(item, false) (Python's put_nowait()).
  void put_nowait(const T& item) { put(item, false); }
  /// As put_nowait(), returning false instead of throwing queue_full. Throws as put() does
  /// otherwise.
  bool try_put(const T& item) { return core_.put(detail::encode_value(item), false, std::nullopt); }

  /// Removes and returns the oldest item, waiting for one if `block` (Python's get(block)).
  /// Throws queue_empty if there is none and `block` is false; what decoding throws.
  T get(bool block = true) { return get_until(block, std::nullopt); }
  /// As get(), waiting at most `timeout` (Python's get(timeout=...)). Throws queue_empty if the
  /// queue stayed empty.
  T get(std::chrono::nanoseconds timeout) {
    return get_until(true, braid::detail::deadline_after(timeout));
  }
  /// get(false) (Python's get_nowait()).
  T get_nowait() { return get(false); }
  /// As get_nowait(), returning std::nullopt instead of throwing queue_empty.
  std::optional<T> try_get() {
    auto bytes = core_.get(false, std::nullopt);
    if (!bytes) return std::nullopt;
    return detail::decode_value<T>(*bytes);
  }
  /// The number of items queued now (a snapshot; Python's qsize()).
  std::size_t qsize() const { return core_.qsize(); }
  /// Whether the queue is empty now (a snapshot).
  bool empty() const { return qsize() == 0; }

  /// Serialisation (cereal) for travel to another process, by its shared-memory name.
  template <class A>
  void save(A& ar) const {
    core_.save(ar);
  }
  /// The other half of save(): attaches to what save() wrote.
  template <class A>
  void load(A& ar) {
    core_.load(ar);
  }

 protected:
  detail::queue_core core_;

 private:
  void put_until(const T& item, bool block, detail::deadline_type deadline) {
    const std::string bytes = detail::encode_value(item);
    if (!core_.put(bytes, block, deadline)) throw queue_full("the queue is full");
  }
  T get_until(bool block, detail::deadline_type deadline) {
    auto bytes = core_.get(block, deadline);
    if (!bytes) throw queue_empty("the queue is empty");
    return detail::decode_value<T>(*bytes);
  }
};

/// Python's SimpleQueue: put, get, empty.
template <class T>
class simple_queue : public queue<T> {
 public:
  using queue<T>::queue;
};

/// Python's JoinableQueue: a queue whose consumers call task_done() for each item, so that
/// join() can wait until every item put has been processed.
template <class T>
class joinable_queue : public queue<T> {
 public:
  using queue<T>::queue;
  /// Marks one item taken with get() as processed. Throws invalid_state_error if
  /// called more often than items were put.
  void task_done() { this->core_.task_done(); }
  /// Waits until every item put has been marked done (Python's join()); with a `timeout`, a
  /// braid extension, false if it passed first.
  bool join(std::optional<std::chrono::nanoseconds> timeout = {}) {
    return this->core_.join(detail::deadline_after(timeout));
  }
};

}  // namespace braid::multiprocessing
