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
  /// Throws queue_full... never; transfer_error if one message exceeds the capacity.
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
  explicit queue(queue_options options = {}) : core_(options.maxsize, options.capacity) {
    detail::check_sendable<T>();
  }
  explicit queue(detail::empty_tag tag) : core_(tag) {}

  /// Adds an item. Throws what its serialisation throws; queue_full if the queue stays full
  /// (`block` false, or the timeout passes); transfer_error if the item alone is larger than the
  /// capacity.
  void put(const T& item, bool block = true, std::optional<std::chrono::nanoseconds> timeout = {}) {
    const std::string bytes = detail::encode_value(item);
    if (!core_.put(bytes, block, detail::deadline_after(timeout))) {
      throw queue_full("the queue is full");
    }
  }
  void put_nowait(const T& item) { put(item, false); }
  /// Removes and returns the oldest item. Throws queue_empty if there is none in time.
  T get(bool block = true, std::optional<std::chrono::nanoseconds> timeout = {}) {
    auto bytes = core_.get(block, detail::deadline_after(timeout));
    if (!bytes) throw queue_empty("the queue is empty");
    return detail::decode_value<T>(*bytes);
  }
  T get_nowait() { return get(false); }
  std::size_t qsize() const { return core_.qsize(); }
  bool empty() const { return qsize() == 0; }

  template <class A>
  void save(A& ar) const {
    core_.save(ar);
  }
  template <class A>
  void load(A& ar) {
    core_.load(ar);
  }

 protected:
  detail::queue_core core_;
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
  /// Marks one item taken with get() as processed. Throws futures::invalid_state_error if
  /// called more often than items were put.
  void task_done() { this->core_.task_done(); }
  /// Waits until every item put has been marked done; false on timeout.
  bool join(std::optional<std::chrono::nanoseconds> timeout = {}) {
    return this->core_.join(detail::deadline_after(timeout));
  }
};

}  // namespace braid::multiprocessing
