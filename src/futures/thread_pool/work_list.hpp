#pragma once
// An intrusive FIFO of work items (private to the thread pool). Not synchronised: each list is
// guarded by the mutex of whoever owns it.

#include <cstddef>

#include "braid/futures/detail/work_item.hpp"

namespace braid::futures::detail {

class work_list {
 public:
  bool empty() const noexcept { return head_ == nullptr; }
  std::size_t size() const noexcept { return size_; }

  void push_back(work_item* item) noexcept {
    item->next = nullptr;
    (tail_ != nullptr ? tail_->next : head_) = item;
    tail_ = item;
    ++size_;
  }

  work_item* pop_front() noexcept {
    work_item* item = head_;
    if (item != nullptr) {
      head_ = item->next;
      if (head_ == nullptr) tail_ = nullptr;
      item->next = nullptr;
      --size_;
    }
    return item;
  }

  /// Moves the first `count` items (at most size()) into a new list. O(count).
  work_list take_front(std::size_t count) noexcept {
    work_list taken;
    if (count == 0 || head_ == nullptr) return taken;
    if (count >= size_) {
      taken = *this;
      *this = work_list();
      return taken;
    }
    work_item* last = head_;
    for (std::size_t i = 1; i < count; ++i) last = last->next;
    taken.head_ = head_;
    taken.tail_ = last;
    taken.size_ = count;
    head_ = last->next;
    last->next = nullptr;
    size_ -= count;
    return taken;
  }

  /// Appends every item of `other`, leaving it empty. O(1).
  void splice_back(work_list& other) noexcept {
    if (other.head_ == nullptr) return;
    (tail_ != nullptr ? tail_->next : head_) = other.head_;
    tail_ = other.tail_;
    size_ += other.size_;
    other = work_list();
  }

 private:
  work_item* head_ = nullptr;
  work_item* tail_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace braid::futures::detail
