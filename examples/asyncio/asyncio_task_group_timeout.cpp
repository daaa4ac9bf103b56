// braid's answers to Python's traps: a task_group whose first failure cancels its siblings, and
// a timeout scope. Runs on virtual time, so it finishes at once.
#include <cstdio>
#include <stdexcept>

#include "braid/asyncio.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

asyncio::task<void> worker(int id, std::chrono::milliseconds d, bool fail) {
  co_await asyncio::sleep(d);
  if (fail) throw std::runtime_error("worker " + std::to_string(id) + " failed");
  std::printf("worker %d done\n", id);
}

asyncio::task<void> main_task() {
  try {
    co_await asyncio::with_task_group([](asyncio::task_group& tg) -> asyncio::task<void> {
      tg.create_task(worker(1, 10ms, false));
      tg.create_task(worker(2, 20ms, true));
      tg.create_task(worker(3, 1h, false));  // cancelled when worker 2 fails
      co_return;
    });
  } catch (const asyncio::exception_group& g) {
    std::printf("task_group failed with %zu error(s)\n", g.exceptions().size());
  }
  try {
    co_await asyncio::timeout(50ms, worker(4, 1h, false));
  } catch (const asyncio::timeout_error&) {
    std::printf("timeout: worker 4 was cancelled\n");
  }
}

int main() {
  asyncio::virtual_clock clock;
  asyncio::run(main_task(), {.clock = &clock});
}
