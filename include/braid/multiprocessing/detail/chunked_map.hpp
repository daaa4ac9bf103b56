#pragma once
/// \file
/// process_pool_executor::map(): inputs are cut into chunks (one message each), the lazy window
/// of futures::detail's map ranges runs over the chunks, and the results are flattened back.

#include <cstddef>
#include <iterator>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "braid/futures/detail/map_range.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"

namespace braid::multiprocessing::detail {

/// A range of std::vector<A> made of up to `size` consecutive inputs each; single pass.
template <class Range>
class chunked_inputs {
 public:
  using base_iterator = decltype(std::begin(std::declval<Range&>()));
  using base_sentinel = decltype(std::end(std::declval<Range&>()));
  using value_type = std::decay_t<decltype(*std::declval<base_iterator&>())>;
  using chunk = std::vector<value_type>;

  class iterator {
   public:
    iterator() = default;
    iterator(base_iterator next, base_sentinel end, std::size_t size)
        : next_(std::move(next)), end_(std::move(end)), size_(size) {
      fill();
    }
    chunk& operator*() { return chunk_; }
    iterator& operator++() {
      fill();
      return *this;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.done_ == b.done_; }

   private:
    void fill() {
      chunk_.clear();
      for (; chunk_.size() < size_ && !(*next_ == *end_); ++*next_) chunk_.push_back(**next_);
      done_ = chunk_.empty();
    }
    std::optional<base_iterator> next_;
    std::optional<base_sentinel> end_;
    std::size_t size_ = 1;
    chunk chunk_;
    bool done_ = true;
  };

  chunked_inputs(Range&& inputs, std::size_t size)
      : inputs_(std::forward<Range>(inputs)), size_(size == 0 ? 1 : size) {}
  iterator begin() { return iterator(std::begin(inputs_), std::end(inputs_), size_); }
  iterator end() { return iterator(); }

 private:
  Range inputs_;
  std::size_t size_;
};

/// The function of a chunk task, as the map ranges see it (they only need its result type).
template <class F, class A>
struct chunk_fn {
  F fn;
  std::vector<call_result_t<F, A>> operator()(std::vector<A>) const;  // never called
};

/// What the map ranges call submit() on: forwards each chunk to the pool.
template <class Pool>
struct chunk_submitter {
  Pool* pool;
  template <class F, class A>
  auto submit(const chunk_fn<F, A>& c, std::vector<A>& inputs) {
    return pool->submit_chunk(c.fn, inputs);
  }
};

/// Flattens a map range of chunk results into a range of results.
template <class Pool, class F, class Range, template <class, class, class> class Inner>
class flat_map_range {
 public:
  using inputs_type = chunked_inputs<Range>;
  using input_type = typename inputs_type::value_type;
  using result_type = call_result_t<F, input_type>;
  using inner_type = Inner<chunk_submitter<Pool>, chunk_fn<F, input_type>, inputs_type>;
  using iterator = futures::detail::map_iterator<flat_map_range>;

  flat_map_range(Pool& pool, F fn, Range&& inputs, std::size_t chunksize, std::size_t window,
                 futures::detail::deadline_t deadline)
      : submitter_{&pool},
        inner_(submitter_, chunk_fn<F, input_type>{fn},
               inputs_type(std::forward<Range>(inputs), chunksize), window, deadline) {}
  flat_map_range(const flat_map_range&) = delete;
  flat_map_range& operator=(const flat_map_range&) = delete;

  /// Blocks for the first result. Throws what the first failed chunk threw, or timeout_error.
  iterator begin() {
    chunk_it_.emplace(inner_.begin());
    pos_ = 0;
    return iterator(this);
  }
  iterator end() { return iterator(); }

  bool fetch() {
    if (!first_) {
      ++pos_;
    }
    first_ = false;
    while (*chunk_it_ != inner_.end()) {
      if (pos_ < (**chunk_it_).size()) return true;
      ++*chunk_it_;
      pos_ = 0;
    }
    return false;
  }
  result_type& current() { return (**chunk_it_)[pos_]; }

 private:
  chunk_submitter<Pool> submitter_;
  inner_type inner_;
  std::optional<typename inner_type::iterator> chunk_it_;
  std::size_t pos_ = 0;
  bool first_ = true;
};

}  // namespace braid::multiprocessing::detail
