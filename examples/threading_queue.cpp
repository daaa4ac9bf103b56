// braid::threading::queue: put/get/task_done/join, shutdown (Python 3.13), queue_empty.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   q = queue.Queue(10)
//   q.put(x, timeout=1); q.get(); q.task_done(); q.join()
//   q.shutdown()  # 3.13: queue.ShutDown
//
// Expected output:
//     done a
//     done b
//     consumer stops
//     try_get: 0
//     queue_empty
#include <braid/threading/queue.hpp>
#include <braid/threading/thread.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::queue<std::unique_ptr<std::string>> jobs(10);  // move-only items are fine
  bt::thread consumer([&] {
    try {
      for (;;) {
        auto job = jobs.get();
        std::printf("done %s\n", job->c_str());
        jobs.task_done();
      }
    } catch (const bt::queue_shut_down&) {
      std::printf("consumer stops\n");
    }
  });
  consumer.start();
  jobs.put(std::make_unique<std::string>("a"));
  jobs.put(std::make_unique<std::string>("b"), 1s);  // queue_full if still full after 1s
  jobs.join();                                       // every job got its task_done()
  jobs.shutdown();  // Python 3.13: wakes the blocked consumer with queue_shut_down
  consumer.join();

  bt::queue<int> empty;
  std::printf("try_get: %d\n", empty.try_get().has_value());
  try {
    empty.get(10ms);
  } catch (const bt::queue_empty&) {
    std::printf("queue_empty\n");
  }
}
