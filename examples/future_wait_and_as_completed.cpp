// Waiting for several futures at once (Python's concurrent.futures.wait and as_completed).
//
// Not a port of a seed guide. One task is held back by an event so the example knows which
// futures are done when: the event controls the order, no sleep is involved.
//
// Expected output:
//     first_exception: the failed task is done, the held task is not done
//     as_completed: 2 results (sum 4), 1 error (boom)
//     as_completed with a timeout: 1 (of 1) futures unfinished
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include <braid/futures.hpp>
#include <braid/threading.hpp>

namespace futures = braid::futures;
using namespace std::chrono_literals;

int main() {
  braid::threading::event release_held;
  braid::threading::event never;
  futures::thread_pool_executor pool(4);

  std::vector<futures::future<int>> fs;
  fs.push_back(pool.submit([] { return 1; }));
  fs.push_back(pool.submit([]() -> int { throw std::runtime_error("boom"); }));
  fs.push_back(pool.submit([&release_held] {
    release_held.wait();
    return 3;
  }));

  // wait() returns the done and the not-done futures; it never throws the futures' errors.
  const auto waited = futures::wait(fs, futures::first_exception);
  bool failed_is_done = false;
  for (const auto& f : waited.done) failed_is_done |= (f.exception() != nullptr);
  std::printf("first_exception: the failed task is %s, the held task is %s\n",
              failed_is_done ? "done" : "not done", fs[2].done() ? "done" : "not done");

  // as_completed() yields each future as it finishes; result() rethrows what the task threw.
  release_held.set();
  int results = 0, sum = 0, errors = 0;
  std::string error;
  for (const futures::future<int>& f : futures::as_completed(fs)) {
    try {
      sum += f.result();
      ++results;
    } catch (const std::runtime_error& e) {
      ++errors;
      error = e.what();
    }
  }
  std::printf("as_completed: %d results (sum %d), %d error (%s)\n", results, sum, errors,
              error.c_str());

  // With a timeout, reaching a future after the deadline throws timeout_error.
  std::vector<futures::future<int>> stuck{pool.submit([&never] {
    never.wait();
    return 0;
  })};
  try {
    for (const auto& f : futures::as_completed(stuck, 10ms)) (void)f;
  } catch (const futures::timeout_error& e) {
    std::printf("as_completed with a timeout: %s\n", e.what());
  }
  never.set();  // let the stuck task end so the pool can shut down
}
