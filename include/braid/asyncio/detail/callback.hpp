#pragma once
/// \file
/// A callback scheduled with call_soon/call_later/call_at/call_soon_threadsafe: one allocation
/// holding the callable, its ready-queue link and its timer node.

#include <atomic>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <utility>

#include "braid/asyncio/detail/intrusive.hpp"

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

class callback_base : public runnable, public timer_node {
 public:
  explicit callback_base(event_loop& loop) noexcept : loop_(&loop) {}

  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  /// Marks the callback cancelled; on the loop thread also takes it out of the timer heap.
  void cancel() noexcept;
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }
  event_loop& loop() const noexcept { return *loop_; }

  void run() noexcept override;  // the ready queue's reference is released afterwards
  void drop() noexcept override { release(); }  // the queue's or the heap's reference
  void fire() noexcept override;                // timer due: move to the ready queue

 protected:
  virtual ~callback_base() = default;
  virtual void invoke() = 0;

 private:
  event_loop* loop_;
  std::atomic<std::uint32_t> refs_{1};
  std::atomic<bool> cancelled_{false};
};

template <class F>
class callback final : public callback_base {
 public:
  template <class G>
  callback(event_loop& loop, G&& fn) : callback_base(loop), fn_(std::forward<G>(fn)) {}

 private:
  void invoke() override { fn_(); }
  F fn_;
};

}  // namespace braid::asyncio::detail
