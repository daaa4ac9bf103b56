// braid::threading::lock: `with lock:` as std::lock_guard, and a timed acquire.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   l = threading.Lock()
//   with l: counter += 1
//   l.acquire(timeout=0.01)
//
// Expected output:
//     2000 0
#include <braid/threading/lock.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>
#include <mutex>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::lock l;
  int counter = 0;
  auto work = [&] {
    for (int i = 0; i < 1000; ++i) {
      std::lock_guard<bt::lock> guard(l);  // Python: with l:
      ++counter;
    }
  };
  bt::thread a(work), b(work);
  a.start();
  b.start();
  a.join();
  b.join();

  l.acquire();
  std::printf("%d %d\n", counter, l.acquire(10ms));  // held: the timed acquire gives up
  l.release();
}
