// braid::threading::condition: a producer notifies, a consumer waits for a predicate.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   cond = threading.Condition()
//   with cond: cond.wait_for(lambda: len(items) == 3, timeout=5)
//
// Expected output:
//     1 3
#include <braid/threading/condition.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <vector>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::condition cond;
  std::vector<int> items;
  bt::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      std::lock_guard<bt::condition> guard(cond);
      items.push_back(i);
      cond.notify();
    }
  });
  producer.start();
  {
    std::unique_lock<bt::condition> guard(cond);
    const bool ok = cond.wait_for([&] { return items.size() == 3; }, 5s);
    std::printf("%d %zu\n", ok, items.size());
  }
  producer.join();
}
