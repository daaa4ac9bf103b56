// braid::threading::event: wait(timeout) before set(), wait() after.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   ready = threading.Event()
//   ready.wait(0.01); ready.set(); ready.is_set()
//
// Expected output:
//     before: 0
//     after: 1
#include <braid/threading/event.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::event ready;
  std::printf("before: %d\n", ready.wait(10ms));
  bt::thread t([&] { ready.set(); });
  t.start();
  ready.wait();
  std::printf("after: %d\n", ready.is_set());
  t.join();
}
