#pragma once
/// \file
/// The non-template part of every braid queue: the mutex, the three condition variables, the
/// item and unfinished-task counts, shutdown and timeouts. The templates only store items.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace braid::threading::detail {

/// How long a put or get may block.
struct queue_wait {
  enum class kind { forever, until, never };
  kind how = kind::forever;
  std::chrono::steady_clock::time_point deadline{};

  static queue_wait forever() noexcept { return {}; }
  static queue_wait never() noexcept { return {kind::never, {}}; }
  static queue_wait for_timeout(std::chrono::nanoseconds timeout);
};

class queue_core {
 public:
  queue_core(const queue_core&) = delete;
  queue_core& operator=(const queue_core&) = delete;

  /// The number of items queued (a snapshot). Thread-safe; never throws.
  [[nodiscard]] std::size_t qsize() const noexcept;
  /// Whether no item is queued (a snapshot). Thread-safe; never throws.
  [[nodiscard]] bool empty() const noexcept;
  /// Whether maxsize() > 0 and that many items are queued (a snapshot). Thread-safe; never throws.
  [[nodiscard]] bool full() const noexcept;
  /// The bound given at construction, 0 for unbounded. Thread-safe; never throws.
  [[nodiscard]] std::size_t maxsize() const noexcept { return maxsize_; }

  /// Marks one item taken by get() as processed; join() returns once every put item is. Throws
  /// value_error if called more times than items were put. Thread-safe.
  void task_done();

  /// Blocks until every item put has been matched by a task_done() (or discarded by
  /// shutdown(true)). Thread-safe; never throws.
  void join() noexcept;

  /// Whether shutdown() was called. Thread-safe; never throws.
  [[nodiscard]] bool is_shut_down() const noexcept;

 protected:
  explicit queue_core(std::size_t maxsize) noexcept : maxsize_(maxsize) {}
  virtual ~queue_core();

  /// Locks the queue and waits for room. Returns the held lock, or an unlocked one if `wait` ran
  /// out (the caller throws queue_full or returns false). Throws queue_shut_down.
  std::unique_lock<std::mutex> begin_put(queue_wait wait);
  /// Counts the item just stored under `guard` and wakes a getter.
  void end_put(std::unique_lock<std::mutex>& guard) noexcept;

  /// Locks the queue and waits for an item. Returns the held lock, or an unlocked one if `wait`
  /// ran out. Throws queue_shut_down once the queue is shut down and empty.
  std::unique_lock<std::mutex> begin_get(queue_wait wait);
  /// Counts the item just removed under `guard` and wakes a putter.
  void end_get(std::unique_lock<std::mutex>& guard) noexcept;

  /// See basic_queue::shutdown. Calls discard_all() with the mutex held if `immediate`.
  void shutdown(bool immediate) noexcept;

  /// Destroys every stored item; called with the mutex held.
  virtual void discard_all() noexcept = 0;

  [[noreturn]] static void throw_full();
  [[noreturn]] static void throw_empty();

 private:
  const std::size_t maxsize_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::condition_variable all_tasks_done_;
  std::size_t size_ = 0;        // items stored
  std::size_t unfinished_ = 0;  // items put and not yet task_done()
  bool shut_down_ = false;
};

}  // namespace braid::threading::detail
