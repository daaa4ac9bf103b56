// braid::threading::timer: one that fires and one cancelled before it does.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   t = threading.Timer(0.01, f, args=("fired",))
//   t.start(); t.cancel()
//
// Expected output:
//     fired
//     cancelled
#include <braid/threading/timer.hpp>

#include <chrono>
#include <cstdio>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::timer soon(
      10ms, [](const char* what) { std::printf("%s\n", what); }, "fired");
  soon.start();
  soon.join();

  bt::timer never(std::chrono::hours(1), [] { std::printf("not printed\n"); });
  never.start();
  never.cancel();
  never.join();  // returns at once
  std::printf("cancelled\n");
}
