// braid::threading::barrier: an action, arrival indices, a timeout breaking it, reset().
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   b = threading.Barrier(2, action=f)
//   b.wait(timeout=0.01)  # BrokenBarrierError
//   b.reset()
//
// Expected output:
//     everyone is here
//     index < 2: 1
//     broken: 1
//     broken after reset: 0
#include <braid/threading/barrier.hpp>
#include <braid/threading/errors.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::barrier start_line(2, [] { std::printf("everyone is here\n"); });
  bt::thread runner([&] { start_line.wait(); });
  runner.start();
  const std::size_t index = start_line.wait();  // 0 or 1: arrival order
  runner.join();
  std::printf("index < 2: %d\n", index < 2);

  try {
    start_line.wait(10ms);  // nobody else comes: the timeout breaks the barrier
  } catch (const bt::broken_barrier_error&) {
    std::printf("broken: %d\n", start_line.broken());
  }
  start_line.reset();
  std::printf("broken after reset: %d\n", start_line.broken());
}
