#pragma once
/// \file
/// braid::multiprocessing::value<T> and array<T>: Python's multiprocessing.Value and Array,
/// typed. Each lives in its own shared-memory block with a robust reentrant lock, is owned by
/// its creator (which unlinks the name on destruction), and travels to other processes by name.

#include <chrono>
#include <cstddef>
#include <optional>
#include <type_traits>

#include "braid/multiprocessing/detail/lockable.hpp"
#include "braid/multiprocessing/detail/shared_object.hpp"

namespace braid::multiprocessing {

/// The reentrant lock guarding a value or array (Python's get_lock()), shaped as rlock:
/// acquire(bool) / acquire(timeout) / release(), Lockable and TimedLockable, usable with
/// lock_guard and std::unique_lock. Refers to the object's memory: must not outlive it.
/// Thread- and process-safe.
class lock_view : public detail::timed_lockable<lock_view> {
 public:
  /// A view of the robust mutex at `m`. Never throws.
  explicit lock_view(pthread_mutex_t* m) noexcept : m_(m) {}
  /// Takes the lock (again, if the caller owns it), blocking if `blocking`; returns whether it
  /// was taken. Throws os_error on a system failure.
  bool acquire(bool blocking = true) {
    if (!blocking) return detail::try_lock_mutex(m_);
    return detail::lock_mutex(m_, std::nullopt);
  }
  /// Takes the lock, giving up after `timeout`; returns whether it was taken. Throws os_error
  /// on a system failure.
  bool acquire(std::chrono::nanoseconds timeout) {
    return detail::lock_mutex(m_, braid::detail::deadline_after(timeout));
  }
  /// Releases one level. Throws invalid_state_error if the calling thread does not own it.
  void release() { detail::unlock_mutex(m_); }

 private:
  pthread_mutex_t* m_;
};

namespace detail {
template <class T>
struct alignas(std::max_align_t) value_state {
  explicit value_state(const T& v) : value(v) { init_mutex(&m, true); }
  pthread_mutex_t m;
  T value;
};
struct alignas(std::max_align_t) array_state {
  explicit array_state(std::size_t n) : size(n) { init_mutex(&m, true); }
  pthread_mutex_t m;
  std::size_t size;
};
}  // namespace detail

/// One T in shared memory. T must be trivially copyable (no pointers into one process's memory).
/// get() and set() take the lock; get_lock() lets a read-modify-write hold it.
/// Thread- and process-safe.
template <class T>
class value : public detail::shared_object<detail::value_state<T>> {
  static_assert(std::is_trivially_copyable_v<T>,
                "multiprocessing::value<T>: T must be trivially copyable to live in shared "
                "memory (a std::string or std::vector points into one process's heap)");

 public:
  /// A new value holding `initial` (Python's Value(typecode, initial)). Throws os_error if shared
  /// memory is unavailable.
  explicit value(const T& initial = T{}) { this->create(0, initial); }
  /// An empty value, to be loaded from another process's.
  explicit value(detail::empty_tag) {}

  /// The value, read under its lock (Python's .value).
  T get() const {
    detail::mutex_guard g(&this->state_->m);
    return this->state_->value;
  }
  /// Stores `v` under the lock (Python's .value = v).
  void set(const T& v) {
    detail::mutex_guard g(&this->state_->m);
    this->state_->value = v;
  }
  /// Its lock (Python's get_lock()). Never throws.
  lock_view get_lock() const noexcept { return lock_view(&this->state_->m); }
  /// The value itself, unlocked (Python's .value under get_lock()).
  T& raw() const noexcept { return this->state_->value; }
};

/// A fixed-size array of T in shared memory (Python's multiprocessing.Array). Element access is
/// unlocked, as in Python's; hold get_lock() to update several elements together. The lock is
/// thread- and process-safe; the elements are as safe as the lock you hold around them.
template <class T>
class array : public detail::shared_object<detail::array_state> {
  static_assert(std::is_trivially_copyable_v<T>,
                "multiprocessing::array<T>: T must be trivially copyable");

 public:
  /// A new array of `n` copies of `fill` (Python's Array(typecode, n)). Throws os_error if shared
  /// memory is unavailable.
  explicit array(std::size_t n, const T& fill = T{}) {
    this->create(n * sizeof(T), n);
    for (std::size_t i = 0; i < n; ++i) new (data() + i) T(fill);
  }
  /// An empty array, to be loaded from another process's.
  explicit array(detail::empty_tag) {}

  /// The number of elements (Python's len()). Never throws.
  std::size_t size() const noexcept { return this->state_->size; }
  /// The elements, unlocked. Never throws.
  T* data() const noexcept { return reinterpret_cast<T*>(this->state_ + 1); }
  /// Element `i`, unlocked and unchecked (Python's a[i]). Never throws.
  T& operator[](std::size_t i) const noexcept { return data()[i]; }
  /// The first element, unlocked. Never throws.
  T* begin() const noexcept { return data(); }
  /// Past the last element. Never throws.
  T* end() const noexcept { return data() + size(); }
  /// Its lock (Python's get_lock()). Never throws.
  lock_view get_lock() const noexcept { return lock_view(&this->state_->m); }
};

}  // namespace braid::multiprocessing
