#pragma once
/// \file
/// The type-independent half of a future's shared state: its status, the list of things waiting
/// for it, and its error. Everything here is compiled once in src/futures/state_base.cpp; the
/// typed half (detail/state.hpp) only stores the value.
///
/// Waiting is uniform: every waiter -- a done-callback, a blocked thread, wait()/as_completed(),
/// and later an awaiting coroutine -- is a completion_node linked into the state. Completion
/// detaches the list under the lock and notifies each node once, outside the lock, on the
/// completing thread. Nodes that live on a waiter's stack can be unlinked again (timeouts), so
/// waiting never allocates and never leaves garbage behind.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <utility>

namespace braid::futures::detail {

enum class status : std::uint8_t {
  pending,     ///< not started; cancel() succeeds
  running,     ///< started (set_running_or_notify_cancel); cancel() fails
  completing,  ///< a producer claimed completion and is storing the value
  finished,    ///< has a value or an error
  cancelled,   ///< cancelled before it ran
};

/// Something to notify when a state becomes done. notify() runs exactly once, on the completing
/// thread, outside the state's lock, and must not throw. Once notify() has started, the state
/// never touches the node again, so notify() may free it.
class completion_node {
 public:
  virtual void notify() noexcept = 0;

 protected:
  completion_node() = default;
  ~completion_node() = default;
  completion_node(const completion_node&) = delete;
  completion_node& operator=(const completion_node&) = delete;

 private:
  friend class state_base;
  completion_node* prev_ = nullptr;
  completion_node* next_ = nullptr;
};

class state_base;

/// Something that can complete a state by doing work on the thread that waits for it (a process
/// pool's waiter reads its own result from the worker's socket instead of sleeping until the
/// pool's manager thread relays it). Reference-counted: each state it is attached to holds one.
class wait_helper {
 public:
  virtual void retain() noexcept = 0;
  virtual void release() noexcept = 0;
  /// Called by a thread about to block until `s` is done (or until `*deadline` if not null).
  /// May do work that completes `s`; returns when `s` is done, the deadline passed, or it cannot
  /// help (then the thread blocks as usual). Must not throw.
  virtual void help(state_base& s,
                    const std::chrono::steady_clock::time_point* deadline) noexcept = 0;

 protected:
  wait_helper() = default;
  ~wait_helper() = default;
  wait_helper(const wait_helper&) = delete;
  wait_helper& operator=(const wait_helper&) = delete;
};

/// Reference-counted shared state; created with one reference.
class state_base {
 public:
  state_base() noexcept = default;
  /// Starts with `initial_refs` references (a work item is born shared by a future and a queue).
  explicit state_base(std::uint32_t initial_refs) noexcept : refs_(initial_refs) {}
  state_base(const state_base&) = delete;
  state_base& operator=(const state_base&) = delete;

  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy();
  }

  status current() const noexcept { return status_.load(std::memory_order_acquire); }
  bool done() const noexcept {
    const status s = current();
    return s == status::finished || s == status::cancelled;
  }

  /// pending -> cancelled, notifying waiters. True if cancelled now or before; false once running
  /// or finished (Python's Future.cancel()).
  bool cancel() noexcept;

  /// pending -> running: true. Already cancelled: false. Otherwise throws invalid_state_error.
  bool set_running_or_notify_cancel();

  /// pending -> running: true. Anything else (cancelled, or already started): false.
  bool try_start() noexcept {
    status expected = status::pending;
    return status_.compare_exchange_strong(expected, status::running, std::memory_order_acq_rel);
  }

  /// Claims the right to complete (pending or running -> completing). False if already done or
  /// claimed: the caller must then not store anything.
  bool try_claim() noexcept;
  /// After a successful try_claim(), or by the only possible completer of a running state (the
  /// worker that started a work item): publishes the stored value (or `error`) and notifies.
  void publish(std::exception_ptr error) noexcept;
  /// Claim and publish an error in one step; false if the state was already done or claimed.
  bool try_fail(std::exception_ptr error) noexcept;

  /// The stored error; meaningful only once finished.
  const std::exception_ptr& error() const noexcept { return error_; }

  /// Links `node` to be notified on completion and returns true; returns false without linking
  /// if the state is already done.
  bool add_node(completion_node& node) noexcept;

  /// Unlinks `node` if completion has not detached it yet and returns true. Returns false if
  /// completion already took the node: its notify() has run or is about to run.
  bool remove_node(completion_node& node) noexcept;

  /// Attaches `helper` (retained; released with the state), which blocking waits call first.
  /// Only before the state is shared with any other thread.
  void set_wait_helper(wait_helper* helper) noexcept {
    if (helper != nullptr) helper->retain();
    if (helper_ != nullptr) helper_->release();
    helper_ = helper;
  }

  /// Blocks the calling thread until done (lets the wait helper work first, then spins briefly).
  void wait() const noexcept;
  /// Blocks until done or `deadline`; returns done().
  bool wait_until(std::chrono::steady_clock::time_point deadline) const noexcept;

 protected:
  virtual ~state_base() {
    if (helper_ != nullptr) helper_->release();
  }
  virtual void destroy() noexcept { delete this; }

 private:
  void lock() const noexcept;
  void unlock() const noexcept { locked_.store(false, std::memory_order_release); }
  completion_node* detach_locked() noexcept;  // takes the list and unlocks
  static void notify_all(completion_node* list) noexcept;

  std::atomic<std::uint32_t> refs_{1};
  std::atomic<status> status_{status::pending};
  mutable std::atomic<bool> locked_{false};  // guards the node list and terminal transitions
  completion_node* head_ = nullptr;
  completion_node* tail_ = nullptr;
  std::exception_ptr error_;
  wait_helper* helper_ = nullptr;
};

/// An owning pointer to a state (retain on copy, release on destruction).
template <class State>
class state_ref {
 public:
  state_ref() noexcept = default;
  /// Adopts one reference.
  explicit state_ref(State* s) noexcept : s_(s) {}
  state_ref(const state_ref& o) noexcept : s_(o.s_) {
    if (s_) s_->retain();
  }
  state_ref(state_ref&& o) noexcept : s_(o.s_) { o.s_ = nullptr; }
  state_ref& operator=(state_ref o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~state_ref() {
    if (s_) s_->release();
  }
  State* get() const noexcept { return s_; }
  State* operator->() const noexcept { return s_; }
  State& operator*() const noexcept { return *s_; }
  explicit operator bool() const noexcept { return s_ != nullptr; }
  /// Gives up ownership without releasing.
  State* detach() noexcept { return std::exchange(s_, nullptr); }

 private:
  State* s_ = nullptr;
};

}  // namespace braid::futures::detail
