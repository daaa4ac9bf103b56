#pragma once
/// \file
/// The lazy ranges behind executor::map() and map_unordered(): at most `buffersize` tasks in
/// flight, inputs read only as results are consumed, so huge or endless inputs are fine.

#include <chrono>
#include <cstddef>
#include <deque>
#include <iterator>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/detail/deadline.hpp"
#include "braid/futures/detail/index_channel.hpp"
#include "braid/futures/errors.hpp"
#include "braid/futures/future.hpp"

namespace braid::futures {

/// Options of executor::map() and map_unordered() (Python's map(..., timeout, buffersize)).
struct map_options {
  /// Most tasks in flight at once; 0 means twice the executor's max_workers.
  std::size_t buffersize = 0;
  /// Total time allowed, counted from the call; reaching an item after it throws timeout_error.
  std::optional<std::chrono::nanoseconds> timeout;
};

namespace detail {

using deadline_t = std::optional<std::chrono::steady_clock::time_point>;

inline deadline_t deadline_from(const map_options& options) {
  if (!options.timeout) return std::nullopt;
  return braid::detail::deadline_after(*options.timeout);
}

/// Shared by both orders: the executor, the function and the not-yet-submitted inputs.
template <class Executor, class F, class Range>
class map_source {
 public:
  using input_iterator = decltype(std::begin(std::declval<Range&>()));
  using result_type =
      std::invoke_result_t<F&, std::decay_t<decltype(*std::declval<input_iterator&>())>>;
  static_assert(!std::is_void_v<result_type>,
                "map() yields results: use submit() for functions that return void");

  map_source(Executor& ex, F fn, Range&& inputs)
      : executor_(&ex),
        fn_(std::move(fn)),
        inputs_(std::forward<Range>(inputs)),
        next_(std::begin(inputs_)),
        end_(std::end(inputs_)) {}
  map_source(const map_source&) = delete;
  map_source& operator=(const map_source&) = delete;

  bool exhausted() const { return next_ == end_; }
  /// Submits the next input. Precondition: !exhausted().
  future<result_type> submit_next() {
    auto fut = executor_->submit(fn_, *next_);
    ++next_;
    return fut;
  }

 private:
  Executor* executor_;
  F fn_;
  Range inputs_;  // a reference for lvalue inputs, the moved-in range for rvalues
  input_iterator next_;
  decltype(std::end(std::declval<Range&>())) end_;
};

/// Input iterator over a map range R: R provides `bool fetch()` (false at the end) and
/// `result_type& current()`.
template <class R>
class map_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = typename R::result_type;
  using difference_type = std::ptrdiff_t;
  using pointer = value_type*;
  using reference = value_type&;

  map_iterator() = default;
  explicit map_iterator(R* range) : range_(range) { advance(); }
  reference operator*() const { return range_->current(); }
  pointer operator->() const { return &range_->current(); }
  map_iterator& operator++() {
    advance();
    return *this;
  }
  void operator++(int) { advance(); }
  friend bool operator==(const map_iterator& a, const map_iterator& b) {
    return a.range_ == b.range_;
  }

 private:
  void advance() {
    if (!range_->fetch()) range_ = nullptr;
  }
  R* range_ = nullptr;
};

/// Results in input order.
template <class Executor, class F, class Range>
class ordered_map_range {
 public:
  using source_type = map_source<Executor, F, Range>;
  using result_type = typename source_type::result_type;
  using iterator = map_iterator<ordered_map_range>;

  ordered_map_range(Executor& ex, F fn, Range&& inputs, std::size_t window, deadline_t deadline)
      : source_(ex, std::move(fn), std::forward<Range>(inputs)),
        window_(window),
        deadline_(deadline) {
    refill();  // start work at once, as Python's map does
  }
  ordered_map_range(const ordered_map_range&) = delete;
  ordered_map_range& operator=(const ordered_map_range&) = delete;
  /// Cancels the work not started yet; running tasks finish, their results are dropped.
  ~ordered_map_range() { cancel_all(); }

  /// Blocks for the first result. Throws what that item threw, or timeout_error.
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  // For map_iterator.
  bool fetch() {
    current_.reset();
    if (in_flight_.empty()) return false;
    future<result_type> front = std::move(in_flight_.front());
    in_flight_.pop_front();
    try {
      refill();
      if (deadline_) {
        current_.emplace(std::move(front).result(remaining()));
      } else {
        current_.emplace(std::move(front).result());
      }
    } catch (...) {
      // The error ends the iteration, as in Python, and cancels what has not started: the item
      // that timed out as well (Python cancels it too), though it left in_flight_ already.
      front.cancel();
      cancel_all();
      throw;
    }
    return true;
  }
  result_type& current() { return *current_; }

 private:
  void refill() {
    while (in_flight_.size() < window_ && !source_.exhausted()) {
      in_flight_.push_back(source_.submit_next());
    }
  }
  std::chrono::nanoseconds remaining() const {
    const auto left = *deadline_ - std::chrono::steady_clock::now();
    return left > left.zero() ? std::chrono::duration_cast<std::chrono::nanoseconds>(left)
                              : std::chrono::nanoseconds::zero();
  }
  void cancel_all() noexcept {
    for (auto& f : in_flight_) f.cancel();
    in_flight_.clear();
  }

  source_type source_;
  std::size_t window_;
  deadline_t deadline_;
  std::deque<future<result_type>> in_flight_;
  std::optional<result_type> current_;
};

/// Results in completion order.
template <class Executor, class F, class Range>
class unordered_map_range {
 public:
  using source_type = map_source<Executor, F, Range>;
  using result_type = typename source_type::result_type;
  using iterator = map_iterator<unordered_map_range>;

  unordered_map_range(Executor& ex, F fn, Range&& inputs, std::size_t window, deadline_t deadline)
      : source_(ex, std::move(fn), std::forward<Range>(inputs)),
        slots_(window),
        deadline_(deadline) {
    for (std::size_t i = window; i > 0; --i) free_slots_.push_back(i - 1);
    refill();
  }
  unordered_map_range(const unordered_map_range&) = delete;
  unordered_map_range& operator=(const unordered_map_range&) = delete;
  ~unordered_map_range() { cancel_all(); }

  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  bool fetch() {
    current_.reset();
    if (in_flight_ == 0) return false;
    const auto slot = done_->pop(deadline_);
    if (!slot) {
      cancel_all();
      throw timeout_error("map_unordered: the timeout passed with " + std::to_string(in_flight_) +
                          " tasks unfinished");
    }
    future<result_type> f = std::move(slots_[*slot]);
    free_slots_.push_back(*slot);
    --in_flight_;
    try {
      refill();
      current_.emplace(std::move(f).result());
    } catch (...) {
      cancel_all();
      throw;
    }
    return true;
  }
  result_type& current() { return *current_; }

 private:
  void refill() {
    while (!free_slots_.empty() && !source_.exhausted()) {
      const std::size_t slot = free_slots_.back();
      slots_[slot] = source_.submit_next();
      free_slots_.pop_back();
      ++in_flight_;
      // The channel is shared: a cancelled range may still see running tasks complete.
      slots_[slot].add_done_callback([done = done_, slot] { done->push(slot); });
    }
  }
  void cancel_all() noexcept {
    for (auto& f : slots_) {
      if (f.valid()) f.cancel();
    }
    in_flight_ = 0;
  }

  source_type source_;
  std::vector<future<result_type>> slots_;
  std::vector<std::size_t> free_slots_;
  std::size_t in_flight_ = 0;
  std::shared_ptr<index_channel> done_ = std::make_shared<index_channel>();
  deadline_t deadline_;
  std::optional<result_type> current_;
};

}  // namespace detail
}  // namespace braid::futures
