// Signal handlers added and removed on the loop while another thread keeps sending the signal:
// every round gets its delivery, and a forwarder in flight during a removal never reaches a
// thread that stopped handling the signal (the previous, counting, handler takes the rest).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "support/stress.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

namespace {

std::atomic<int> previous_calls{0};
extern "C" void previous_handler(int) {
  previous_calls.fetch_add(1);
}

TEST(signal_stress, add_and_remove_while_another_thread_sends) {
  struct sigaction act {};
  act.sa_handler = &previous_handler;
  sigemptyset(&act.sa_mask);
  struct sigaction old {};
  ::sigaction(SIGUSR2, &act, &old);

  std::atomic<bool> stop{false};
  std::thread sender([&stop] {
    while (!stop.load()) ::kill(::getpid(), SIGUSR2);
  });
  // One loop per round: add, take one delivery, remove, close, with the sender never pausing.
  auto one_round = []() -> asyncio::task<void> {
    asyncio::event_loop& loop = asyncio::event_loop::running();
    asyncio::event got;
    loop.add_signal_handler(SIGUSR2, [&got] { got.set(); });
    co_await got.wait();
    EXPECT_TRUE(loop.remove_signal_handler(SIGUSR2));
  };
  const std::size_t rounds =
      braid::test::stress_rounds(300, 2000ms, [&](std::size_t) { asyncio::run(one_round()); });
  stop.store(true);
  sender.join();
  ::sigaction(SIGUSR2, &old, nullptr);
  EXPECT_GT(rounds, 0u);
}

}  // namespace
