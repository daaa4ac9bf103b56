#pragma once
/// \file
/// The loop-side state of one task created by create_task(): its root coroutine, where to resume
/// it, what it waits on, its cancellation requests, and who waits for it. Loop-thread only.

#include <cassert>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>

#include "braid/asyncio/detail/frame_allocator.hpp"
#include "braid/asyncio/detail/intrusive.hpp"
#include "braid/asyncio/detail/promise.hpp"

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

/// The one wait a suspended task is in (a timer, a queue slot, another task...).
class waiter {
 public:
  /// The task was cancelled. Return true if the wait was abandoned: the waiter then woke the task
  /// itself, and its await_resume() throws cancelled_error. Return false if it cannot be
  /// abandoned (its result is already on the way, or it forwarded the cancellation to what it
  /// waits for): the task then sees cancelled_error at its next suspension point, or the waiter
  /// consumes the request itself with task_base::take_cancel().
  virtual bool cancel() noexcept = 0;

 protected:
  waiter() = default;
  ~waiter() = default;
  waiter(const waiter&) = delete;
  waiter& operator=(const waiter&) = delete;
};

/// Where a task was created (recorded in debug mode).
struct creation_site {
  const char* file = "";
  const char* function = "";
  unsigned line = 0;
};

/// Rarely used parts of a task, allocated only when needed (a name, debug information).
struct task_extra {
  std::string name;
  creation_site site;
  bool has_site = false;
};

class task_base final : public runnable {
 public:
  /// `p` is the promise in `root`'s frame.
  task_base(event_loop& loop, std::coroutine_handle<> root, promise_base& p) noexcept
      : loop_(&loop),
        resume_(root),
        root_(root),
        promise_offset_(static_cast<std::uint8_t>(reinterpret_cast<char*>(&p) -
                                                  static_cast<char*>(root.address()))) {
    assert(&root_promise() == &p && "the promise lies within 255 bytes of the frame's start");
  }

  /// From the same per-thread pool as coroutine frames.
  static void* operator new(std::size_t size) { return frame_allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept { frame_deallocate(p, size); }

  void retain() noexcept { ++refs_; }
  void release() noexcept {
    if (--refs_ == 0) destroy();
  }

  event_loop& loop() const noexcept { return *loop_; }
  promise_base& root_promise() const noexcept {
    return *reinterpret_cast<promise_base*>(static_cast<char*>(root_.address()) + promise_offset_);
  }

  // --- Suspension protocol, used by every awaiter -------------------------------------------
  /// Registers `w` as the current wait and `h` as the coroutine to resume. Returns false (and
  /// consumes the request) if a cancellation is pending: the awaiter must then not suspend and
  /// must throw cancelled_error.
  bool suspend(waiter& w, std::coroutine_handle<> h) noexcept {
    if (must_cancel_) {
      must_cancel_ = false;
      return false;
    }
    waiter_ = &w;
    resume_ = h;
    return true;
  }
  /// The wait ended: schedule the task to resume where it suspended.
  void wake() noexcept {
    waiter_ = nullptr;
    schedule();
  }
  /// The wait ended, and the caller is a runnable of the loop's ready batch (an I/O
  /// completion): run the task's next step now rather than at the next iteration, which would
  /// cost one more poll of the backend per wake-up.
  void wake_now() noexcept {
    waiter_ = nullptr;
    if (!queued_) run();
  }
  /// Consumes a pending cancellation request; true if there was one.
  bool take_cancel() noexcept {
    const bool had = must_cancel_;
    must_cancel_ = false;
    return had;
  }
  inline void schedule() noexcept;  // defined in event_loop.hpp
  void run() noexcept override;

  // --- Python's Task API ------------------------------------------------------------------
  bool cancel() noexcept;
  unsigned cancelling() const noexcept { return cancelling_; }
  unsigned uncancel() noexcept;
  bool done() const noexcept { return done_; }
  bool cancelled() const noexcept { return done_ && root_promise().cancelled(); }
  bool failed() const noexcept {
    return done_ && root_promise().error() && !root_promise().cancelled();
  }
  void mark_observed() noexcept { observed_ = true; }
  void mark_detached() noexcept { detached_ = true; }
  std::uint64_t id() const noexcept { return id_; }
  std::string name() const;
  void set_name(std::string name);
  const task_extra* extra() const noexcept { return extra_.get(); }
  /// Before the task is registered: gives it `name` (if not empty) and the creation `site` (if
  /// not null), allocating what they need. Throws std::bad_alloc, changing nothing.
  void prepare(std::string&& name, const creation_site* site);
  /// Destroys a task that was never registered with its loop, and its frame.
  void discard() noexcept { delete this; }

  /// Nodes woken when the task finishes.
  wait_list& done_waiters() noexcept { return done_waiters_; }

  // --- Loop bookkeeping ---------------------------------------------------------------------
  void set_id(std::uint64_t id) noexcept { id_ = id; }
  task_base* all_prev = nullptr;
  task_base* all_next = nullptr;

 private:
  friend void root_finished(task_base& owner) noexcept;
  void finish() noexcept;
  void destroy() noexcept;
  ~task_base();

  // Kept to 96 bytes (a million sleeping tasks is a benchmark): the promise is found from the
  // frame address by a one-byte offset, the flags are bits.
  event_loop* loop_;
  std::coroutine_handle<> resume_;
  std::coroutine_handle<> root_;
  waiter* waiter_ = nullptr;
  wait_list done_waiters_;
  std::unique_ptr<task_extra> extra_;
  std::uint64_t id_ = 0;
  std::uint32_t refs_ = 1;  // the loop's reference while it runs
  std::uint16_t cancelling_ = 0;
  std::uint8_t promise_offset_;  // from root_.address() to the promise_base
  bool queued_ : 1 = false;
  bool must_cancel_ : 1 = false;
  bool started_ : 1 = false;
  bool done_ : 1 = false;
  bool observed_ : 1 = false;
  bool detached_ : 1 = false;
};

}  // namespace braid::asyncio::detail

// task_base::schedule() is inline for the hot path and needs the complete event_loop, which in
// turn needs task_base. Including event_loop.hpp here, after the class, makes this header
// self-contained in either include order (#pragma once ends the cycle); the definition is there.
#include "braid/asyncio/event_loop.hpp"  // IWYU pragma: export
