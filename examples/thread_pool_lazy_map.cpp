// executor::map() and map_unordered(): lazy, bounded, and what happens on errors and timeouts.
//
// Not a port of a seed guide: it shows where braid's map differs from Python's, whose map()
// submits every input at once (so an endless input never returns) and which has no
// map_unordered. One task is held back by an event to make the timeout certain; no sleep is used
// for synchronisation.
//
// Expected output:
//     first squares: 1 4 9 16 25
//     inputs read from the endless range: 9
//     ordered: 10 20 then error: no result for 3
//     unordered sum: 5050
//     timeout: the wait timed out
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <braid/futures.hpp>
#include <braid/threading.hpp>

namespace futures = braid::futures;
using namespace std::chrono_literals;

// 1, 2, 3, ... without end: a minimal input range that counts how many inputs were read
// (std::views::iota would do for the numbers, but clang 14 cannot compile libstdc++ 12's views).
struct naturals {
  int* reads;
  struct iterator {
    using iterator_category = std::input_iterator_tag;
    using value_type = long;
    using difference_type = std::ptrdiff_t;
    int* reads = nullptr;
    long n = 1;
    long operator*() const {
      ++*reads;
      return n;
    }
    iterator& operator++() {
      ++n;
      return *this;
    }
    void operator++(int) { ++n; }
    bool operator==(const iterator&) const { return false; }  // never ends
  };
  iterator begin() const { return {reads}; }
  iterator end() const { return {reads}; }
};

int main() {
  braid::threading::event release;  // declared first: it must outlive the pool's workers
  futures::thread_pool_executor pool(2);

  // Lazy and bounded: at most `buffersize` tasks are in flight, and inputs are read only as
  // results are consumed, so an endless input is fine. Leaving the loop early destroys the
  // range, which cancels the tasks that have not started.
  std::printf("first squares:");
  int taken = 0;
  int reads = 0;
  auto square_of = [](long n) { return n * n; };
  for (long square : pool.map(square_of, naturals{&reads}, {.buffersize = 4})) {
    std::printf(" %ld", square);
    if (++taken == 5) break;
  }
  std::printf("\n");
  // The 5 results consumed, plus the 4 the window kept in flight.
  std::printf("inputs read from the endless range: %d\n", reads);

  // Results come in input order; reaching an item whose task threw rethrows its exception and
  // ends the iteration, as in Python.
  const std::vector<int> inputs = {1, 2, 3, 4};
  auto times_ten = [](int n) {
    if (n == 3) throw std::runtime_error("no result for " + std::to_string(n));
    return n * 10;
  };
  std::printf("ordered:");
  try {
    for (int r : pool.map(times_ten, inputs)) std::printf(" %d", r);
  } catch (const std::runtime_error& e) {
    std::printf(" then error: %s\n", e.what());
  }

  // map_unordered yields results as they complete: here only the sum is predictable.
  std::vector<int> hundred(100);
  for (int i = 0; i < 100; ++i) hundred[i] = i + 1;
  int sum = 0;
  for (int r : pool.map_unordered([](int n) { return n; }, hundred)) sum += r;
  std::printf("unordered sum: %d\n", sum);

  // map_options::timeout counts from the call; reaching an item after it throws timeout_error.
  try {
    const std::vector<int> one = {1};
    auto held = [&release](int n) {
      release.wait();
      return n;
    };
    for (int r : pool.map(held, one, {.timeout = 10ms})) std::printf("%d\n", r);
  } catch (const futures::timeout_error& e) {
    std::printf("timeout: %s\n", e.what());
  }
  release.set();  // the held task is running (cancel cannot stop it): let it end
}
