// braid::asyncio's barrier, condition and wait_readable, in one program.
//
// Not a port of a seed guide (they stop at asyncio.gather); shown in docs/asyncio.md,
// "Conditions, barriers and file descriptors". Python's names: asyncio.Barrier(3) and
// `await barrier.wait()`, asyncio.Condition with `await cond.wait_for(pred)`, and
// loop.add_reader(fd, ...) for waiting on a file descriptor.
//
// Expected output:
//     worker 3 passed the barrier with index 2
//     worker 1 passed the barrier with index 0
//     worker 2 passed the barrier with index 1
//     consumer saw 2 items
//     read 'hello' from the pipe
#include <braid/asyncio.hpp>

#include <unistd.h>
#include <cstdio>
#include <string>

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

asyncio::task<void> worker(asyncio::barrier& b, int id) {
  co_await asyncio::sleep(id * 10ms);  // arrive one after another
  const std::size_t index = co_await b.wait();
  std::printf("worker %d passed the barrier with index %zu\n", id, index);
}

asyncio::task<void> consumer(asyncio::condition& c, int& items) {
  co_await c.acquire();
  auto have_two = [&items] { return items >= 2; };  // named first: see the g++ 12 traps
  co_await c.wait_for(have_two);
  std::printf("consumer saw %d items\n", items);
  c.release();
}

asyncio::task<void> read_pipe(int fd) {
  co_await asyncio::wait_readable(fd);
  char buf[16];
  const auto n = ::read(fd, buf, sizeof buf);
  std::printf("read '%s' from the pipe\n",
              std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0).c_str());
}

asyncio::task<void> main_task() {
  asyncio::barrier b(3);
  auto w1 = asyncio::create_task(worker(b, 1));
  auto w2 = asyncio::create_task(worker(b, 2));
  auto w3 = asyncio::create_task(worker(b, 3));
  co_await w1;
  co_await w2;
  co_await w3;

  asyncio::condition c;
  int items = 0;
  auto cons = asyncio::create_task(consumer(c, items));
  for (int i = 0; i < 2; ++i) {
    co_await asyncio::sleep(5ms);
    co_await c.acquire();
    ++items;
    c.notify();
    c.release();
  }
  co_await cons;

  int fds[2];
  if (::pipe(fds) != 0) co_return;
  auto reader = asyncio::create_task(read_pipe(fds[0]));
  co_await asyncio::sleep(1ms);
  [[maybe_unused]] auto w = ::write(fds[1], "hello", 5);
  co_await reader;
  ::close(fds[0]);
  ::close(fds[1]);
}

int main() {
  asyncio::run(main_task());
}
