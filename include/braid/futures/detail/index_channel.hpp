#pragma once
/// \file
/// A blocking FIFO of small integers: done-callbacks push slot numbers, map_unordered pops them.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace braid::futures::detail {

class index_channel {
 public:
  /// Never throws except std::bad_alloc.
  void push(std::size_t index);
  /// The oldest index, waiting until one arrives or the deadline (if any) passes.
  std::optional<std::size_t> pop(std::optional<std::chrono::steady_clock::time_point> deadline);

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::size_t> items_;
};

}  // namespace braid::futures::detail
