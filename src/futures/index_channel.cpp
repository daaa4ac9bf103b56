#include "braid/futures/detail/index_channel.hpp"

namespace braid::futures::detail {

void index_channel::push(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    items_.push_back(index);
  }
  ready_.notify_one();
}

std::optional<std::size_t> index_channel::pop(
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  std::unique_lock lock(mutex_);
  const auto has_item = [this] { return !items_.empty(); };
  if (!deadline) {
    ready_.wait(lock, has_item);
  } else if (!ready_.wait_until(lock, *deadline, has_item)) {
    return std::nullopt;
  }
  const std::size_t index = items_.front();
  items_.pop_front();
  return index;
}

}  // namespace braid::futures::detail
