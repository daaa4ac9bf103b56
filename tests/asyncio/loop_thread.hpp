#pragma once
// A test helper: an event loop running on its own thread until the object is destroyed.

#include <latch>
#include <thread>

#include "braid/asyncio.hpp"

namespace braid::asyncio::test {

class loop_on_another_thread {
 public:
  loop_on_another_thread() {
    std::latch ready(1);
    thread_ = std::thread([this, &ready, stop = stop_.get_future()] {
      event_loop loop;
      loop_ = &loop;
      ready.count_down();
      loop.run_until_complete([](futures::future<void> f) -> task<void> { co_await f; }(stop));
    });
    ready.wait();
  }
  ~loop_on_another_thread() {
    stop_.set_result();
    thread_.join();
  }
  loop_on_another_thread(const loop_on_another_thread&) = delete;
  loop_on_another_thread& operator=(const loop_on_another_thread&) = delete;
  event_loop& loop() const { return *loop_; }

 private:
  futures::promise<void> stop_;
  event_loop* loop_ = nullptr;
  std::thread thread_;
};

}  // namespace braid::asyncio::test
