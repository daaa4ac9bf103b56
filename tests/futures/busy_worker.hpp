#pragma once
// Test helper: occupies one worker of a pool until released, so that work submitted meanwhile
// stays queued (a one-worker pool then runs nothing else). Ordered by a latch and a promise,
// never by a sleep.

#include <latch>

#include "braid/futures/future.hpp"
#include "braid/futures/thread_pool_executor.hpp"

namespace braid::futures::test {

class busy_worker {
 public:
  /// Returns once the blocking task runs on one of `pool`'s workers.
  explicit busy_worker(thread_pool_executor& pool) {
    std::latch running(1);
    task_ = pool.submit([&running, gate = release_.get_future()] {
      running.count_down();
      gate.wait();
    });
    running.wait();
  }
  busy_worker(const busy_worker&) = delete;
  busy_worker& operator=(const busy_worker&) = delete;
  ~busy_worker() { release(); }

  /// Lets the blocking task finish. Harmless to call again.
  void release() {
    if (!released_) release_.set_result();
    released_ = true;
  }

 private:
  promise<void> release_;
  future<void> task_;
  bool released_ = false;
};

}  // namespace braid::futures::test
