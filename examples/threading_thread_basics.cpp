// braid::threading::thread: a named thread with arguments, start(), join(timeout).
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   t = threading.Thread(target=f, args=(42,), name="worker")
//   t.start(); t.join(5)
//   t.is_alive()
//
// Expected output:
//     worker got 42
//     worker joined; alive: 0
#include <braid/threading/current_thread.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::thread worker(
      bt::thread_options{.name = "worker"},
      [](int n) { std::printf("%s got %d\n", bt::current_thread_name().c_str(), n); }, 42);
  worker.start();
  if (!worker.join(5s)) std::printf("still running\n");
  std::printf("%s joined; alive: %d\n", worker.name().c_str(), worker.is_alive());
}
