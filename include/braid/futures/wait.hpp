#pragma once
/// \file
/// futures::wait() and futures::as_completed() (Python's concurrent.futures.wait and
/// as_completed) over any range of future<T>.

#include <chrono>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "braid/detail/deadline.hpp"
#include "braid/futures/detail/completion_tracker.hpp"
#include "braid/futures/future.hpp"

namespace braid::futures {

/// When wait() returns (Python's FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED).
enum class return_when {
  first_completed,  ///< as soon as any future is done or cancelled
  first_exception,  ///< as soon as any future finishes with an exception (not a cancellation),
                    ///< or when all are done
  all_completed,    ///< when every future is done or cancelled
};
inline constexpr return_when first_completed = return_when::first_completed;
inline constexpr return_when first_exception = return_when::first_exception;
inline constexpr return_when all_completed = return_when::all_completed;

/// What wait() returns: the futures that were done when it returned and the others, each in
/// input order (Python returns two sets).
template <class T>
struct wait_result {
  std::vector<future<T>> done;
  std::vector<future<T>> not_done;
};

namespace detail {

/// Blocks until `when` holds for `states` or the deadline passes.
void wait_states(const std::vector<state_base*>& states, return_when when,
                 completion_tracker::deadline_type deadline);

template <class Range>
using range_future_t = std::decay_t<decltype(*std::begin(std::declval<const Range&>()))>;

/// For each of `ids`, whether it is the first occurrence of its value. Empty when all are
/// distinct (the common case, found in one pass when the ids are monotonic, as pooled states
/// allocated one after another usually are; otherwise by sorting a copy).
std::vector<bool> first_occurrences(const std::vector<const void*>& ids);

/// The distinct futures of `fs`, in first-seen order: a future listed twice is waited for and
/// yielded once, as Python's wait() and as_completed() take a set.
template <class Range>
auto collect_futures(const Range& fs) {
  using future_type = range_future_t<Range>;
  std::vector<future_type> out;
  std::vector<const void*> ids;
  for (const auto& f : fs) {
    if (!f.valid()) throw_invalid_future();
    out.push_back(f);
    ids.push_back(state_of(f));
  }
  const std::vector<bool> first = first_occurrences(ids);
  if (!first.empty()) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (first[i]) out[kept++] = std::move(out[i]);
    }
    out.resize(kept);
  }
  return out;
}

template <class T>
std::vector<state_base*> states_of(const std::vector<future<T>>& fs) {
  std::vector<state_base*> states;
  states.reserve(fs.size());
  for (const auto& f : fs) states.push_back(state_of(f));
  return states;
}

template <class Range>
auto wait_impl(const Range& fs, return_when when, completion_tracker::deadline_type deadline) {
  auto all = collect_futures(fs);
  wait_states(states_of(all), when, deadline);
  wait_result<typename decltype(all)::value_type::value_type> result;
  for (auto& f : all) (f.done() ? result.done : result.not_done).push_back(std::move(f));
  return result;
}

[[noreturn]] void throw_as_completed_timeout(std::size_t unfinished, std::size_t total);

}  // namespace detail

/// Waits for the futures in `fs` until `when` holds (Python's wait(fs, return_when=...)).
/// Returns the done and not-done futures, each distinct future once. Throws invalid_state_error for
/// an invalid future in `fs`; never throws the futures' own errors. Thread-safe.
template <class Range>
auto wait(const Range& fs, return_when when = all_completed) {
  return detail::wait_impl(fs, when, std::nullopt);
}

/// As wait(fs, when), returning early when `timeout` passes (Python's wait(fs, timeout, ...)).
/// A timeout is not an error: the result's not_done is then non-empty.
template <class Range>
auto wait(const Range& fs, std::chrono::nanoseconds timeout, return_when when = all_completed) {
  return detail::wait_impl(fs, when, braid::detail::deadline_after(timeout));
}

/// The futures of a range in the order they complete: what as_completed() returns. An input range
/// whose iterator blocks in operator++ until the next future is done.
template <class T>
class as_completed_range {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = future<T>;
    using difference_type = std::ptrdiff_t;
    using pointer = const future<T>*;
    using reference = const future<T>&;

    iterator() = default;
    reference operator*() const { return range_->futures_[index_]; }
    pointer operator->() const { return &range_->futures_[index_]; }
    /// Blocks for the next completion. Throws timeout_error once the deadline passes.
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    friend bool operator==(const iterator& a, const iterator& b) { return a.range_ == b.range_; }

   private:
    friend class as_completed_range;
    explicit iterator(as_completed_range* r) : range_(r) { advance(); }
    void advance() {
      if (range_->yielded_ == range_->futures_.size()) {
        range_ = nullptr;
        return;
      }
      auto next = range_->tracker_->next(range_->deadline_);
      if (!next) {
        detail::throw_as_completed_timeout(range_->futures_.size() - range_->yielded_,
                                           range_->futures_.size());
      }
      index_ = *next;
      ++range_->yielded_;
    }
    as_completed_range* range_ = nullptr;
    std::size_t index_ = 0;
  };

  as_completed_range(std::vector<future<T>> fs, detail::completion_tracker::deadline_type deadline)
      : futures_(std::move(fs)),
        tracker_(std::make_unique<detail::completion_tracker>(detail::states_of(futures_))),
        deadline_(deadline) {}
  // Iterators point at the range: it stays where it was made (return by prvalue still works).
  as_completed_range(const as_completed_range&) = delete;
  as_completed_range& operator=(const as_completed_range&) = delete;

  /// Starts iterating; blocks for the first completion. Call once.
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  std::vector<future<T>> futures_;
  std::unique_ptr<detail::completion_tracker> tracker_;
  detail::completion_tracker::deadline_type deadline_;
  std::size_t yielded_ = 0;
};

/// Yields the futures of `fs` as they complete, those already done first (Python's
/// as_completed(fs)). A future that appears more than once in `fs` is yielded once. Throws
/// invalid_state_error for an invalid future in `fs`.
template <class Range>
auto as_completed(const Range& fs) {
  using T = typename detail::range_future_t<Range>::value_type;
  return as_completed_range<T>(detail::collect_futures(fs), std::nullopt);
}

/// As as_completed(fs), where advancing past the deadline (`timeout` from this call) throws
/// timeout_error naming how many futures are unfinished, as Python's does.
template <class Range>
auto as_completed(const Range& fs, std::chrono::nanoseconds timeout) {
  using T = typename detail::range_future_t<Range>::value_type;
  return as_completed_range<T>(detail::collect_futures(fs), braid::detail::deadline_after(timeout));
}

}  // namespace braid::futures
