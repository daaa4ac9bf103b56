#pragma once
/// \file
/// The base of every process-shared object: a State struct placed in its own shared_memory
/// block, travelling by name. Plus robust, process-shared mutexes and condition variables.

#include <pthread.h>

#include <chrono>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include "braid/detail/deadline.hpp"
#include "braid/multiprocessing/detail/empty_tag.hpp"
#include "braid/multiprocessing/shared_memory.hpp"

namespace braid::multiprocessing::detail {

using deadline_type = std::optional<std::chrono::steady_clock::time_point>;

inline deadline_type deadline_after(std::optional<std::chrono::nanoseconds> timeout) {
  if (!timeout) return std::nullopt;
  return braid::detail::deadline_after(*timeout);
}

/// A robust (survives its holder's death) process-shared mutex, recursive if asked.
void init_mutex(pthread_mutex_t* m, bool recursive);
/// Locks; false if the deadline passed. If the holder died, makes the mutex consistent, reports
/// owner_died through braid::threading's excepthook, and returns true (held).
bool lock_mutex(pthread_mutex_t* m, deadline_type deadline);
bool try_lock_mutex(pthread_mutex_t* m);
void unlock_mutex(pthread_mutex_t* m);
/// A process-shared condition variable on the monotonic clock.
void init_cond(pthread_cond_t* c);
/// Waits; false if the deadline passed. The mutex is held again on return either way.
bool wait_cond(pthread_cond_t* c, pthread_mutex_t* m, deadline_type deadline);

/// Holds a robust mutex for a scope.
class mutex_guard {
 public:
  explicit mutex_guard(pthread_mutex_t* m) : m_(m) { lock_mutex(m_, std::nullopt); }
  ~mutex_guard() { unlock_mutex(m_); }
  mutex_guard(const mutex_guard&) = delete;
  mutex_guard& operator=(const mutex_guard&) = delete;

 private:
  pthread_mutex_t* m_;
};

/// Owns (or is attached to) a State in shared memory.
template <class State>
class shared_object {
 public:
  template <class A>
  void save(A& ar) const {
    ar(memory_.name());
  }
  template <class A>
  void load(A& ar) {
    std::string name;
    ar(name);
    memory_ = shared_memory::attach(std::move(name));
    state_ = reinterpret_cast<State*>(memory_.data());
  }
  /// The shared-memory block this object lives in.
  const shared_memory& memory() const noexcept { return memory_; }

 protected:
  shared_object() = default;
  template <class... A>
  void create(std::size_t extra, A&&... args) {
    memory_ = shared_memory::create(sizeof(State) + extra);
    state_ = new (memory_.data()) State(std::forward<A>(args)...);
  }
  State* state_ = nullptr;

 private:
  shared_memory memory_;
};

}  // namespace braid::multiprocessing::detail
