// The recursive lock: a lock plus the owner's ident and a depth only the owner touches.
#include "braid/threading/rlock.hpp"

#include "braid/threading/current_thread.hpp"
#include "braid/threading/errors.hpp"

namespace braid::threading {

bool rlock::owned_by_current_thread() const noexcept {
  // Only the calling thread can have stored its own ident, so a relaxed load is exact for "me".
  return owner_.load(std::memory_order_relaxed) == get_ident();
}

bool rlock::acquire(bool blocking) noexcept {
  const std::uint64_t me = get_ident();
  if (owner_.load(std::memory_order_relaxed) == me) {
    ++count_;
    return true;
  }
  if (!inner_.acquire(blocking)) return false;
  owner_.store(me, std::memory_order_relaxed);
  count_ = 1;
  return true;
}

bool rlock::acquire(std::chrono::nanoseconds timeout) noexcept {
  const std::uint64_t me = get_ident();
  if (owner_.load(std::memory_order_relaxed) == me) {
    ++count_;
    return true;
  }
  if (!inner_.acquire(timeout)) return false;
  owner_.store(me, std::memory_order_relaxed);
  count_ = 1;
  return true;
}

void rlock::release() {
  if (!owned_by_current_thread())
    throw invalid_state_error("release of an rlock not owned by this thread");
  if (--count_ == 0) {
    owner_.store(0, std::memory_order_relaxed);
    inner_.release();
  }
}

std::size_t rlock::release_save() {
  if (!owned_by_current_thread())
    throw invalid_state_error("wait on an rlock not owned by this thread");
  const std::size_t saved = count_;
  count_ = 0;
  owner_.store(0, std::memory_order_relaxed);
  inner_.release();
  return saved;
}

void rlock::acquire_restore(std::size_t count) noexcept {
  inner_.acquire();
  owner_.store(get_ident(), std::memory_order_relaxed);
  count_ = count;
}

}  // namespace braid::threading
