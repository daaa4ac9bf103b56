// Scoped locks, timeout scopes, trio's move_on_after/fail_after, gather over handles and futures,
// range-for as_completed. Shown in docs/asyncio.md ("Scopes").
#include <braid/asyncio.hpp>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

asyncio::task<int> fetch(int id, std::chrono::milliseconds delay) {
  co_await asyncio::sleep(delay);
  co_return id;
}

asyncio::task<void> write_log(asyncio::lock& l, std::vector<std::string>& log, std::string who) {
  auto held = co_await l.scoped();  // async with lock: released at the closing brace
  log.push_back(who + " writes");
  co_await asyncio::sleep(1ms);
  log.push_back(who + " done");
}

asyncio::task<void> main_task() {
  // async with lock:
  asyncio::lock l;
  std::vector<std::string> log;
  auto a = asyncio::create_task(write_log(l, log, "a"));
  auto b = asyncio::create_task(write_log(l, log, "b"));
  co_await a;
  co_await b;
  for (const auto& line : log) std::printf("%s\n", line.c_str());

  // async with asyncio.timeout(d) as t: t.reschedule(...)
  int v = co_await asyncio::timeout(10ms, [](asyncio::timeout_scope& t) -> asyncio::task<int> {
    t.reschedule(t.when().value() + 50ms);  // this one may take longer
    co_return co_await fetch(1, 30ms);
  });
  std::printf("fetched %d after rescheduling\n", v);

  // trio's move_on_after: give up at the deadline and carry on
  std::optional<int> slow =
      co_await asyncio::move_on_after(10ms, [](asyncio::timeout_scope&) { return fetch(2, 1s); });
  std::printf("slow fetch %s\n", slow ? "finished" : "abandoned");

  // trio's fail_after: timeout_error at the deadline
  try {
    co_await asyncio::fail_after(10ms, [](asyncio::timeout_scope&) { return fetch(3, 1s); });
  } catch (const asyncio::timeout_error&) {
    std::printf("fail_after threw timeout_error\n");
  }

  // gather over running tasks and futures as well as coroutines
  auto running = asyncio::create_task(fetch(4, 5ms));
  braid::futures::promise<int> p;
  auto fut = p.get_future();
  p.set_result(5);
  auto [x, y, z] = co_await asyncio::gather(running, fut, fetch(6, 1ms));
  std::printf("gathered %d %d %d\n", x, y, z);

  // for coro in asyncio.as_completed(tasks): v = await coro
  std::vector<asyncio::task_handle<int>> tasks;
  tasks.push_back(asyncio::create_task(fetch(7, 30ms)));
  tasks.push_back(asyncio::create_task(fetch(8, 10ms)));
  tasks.push_back(asyncio::create_task(fetch(9, 20ms)));
  for (auto next : asyncio::as_completed(std::move(tasks))) {
    int id = co_await next;
    std::printf("finished: %d\n", id);
  }
}

int main() {
  asyncio::run(main_task());
}
