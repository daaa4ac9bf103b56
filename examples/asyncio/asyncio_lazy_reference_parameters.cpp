// Lazy coroutines keep reference parameters as references: take by value what outlives the call.
// Shown in docs/asyncio.md ("Lazy coroutines and reference parameters").
#include <braid/asyncio.hpp>

#include <cstdio>
#include <string>

namespace asyncio = braid::asyncio;

// A coroutine's reference parameters are copied into its frame as references. braid's
// coroutines are lazy: nothing runs until the task is awaited, and by then a temporary argument
// is gone. With `const std::string& name`, both of these read freed memory:
//
//   auto t = greet(std::string("x"));           // the temporary dies at the semicolon
//   co_await t;                                 // ...and greet runs only now
//   auto h = asyncio::create_task(greet("y"));  // the task runs later, too
//
// Take by value: the frame then owns a copy (a move for a temporary).
asyncio::task<std::size_t> greet(std::string name) {
  co_await asyncio::sleep(std::chrono::milliseconds(1));
  std::printf("hello, %s\n", name.c_str());
  co_return name.size();
}

asyncio::task<void> main_task() {
  auto t = greet(std::string("stored task"));
  auto h = asyncio::create_task(greet("created task"));
  std::size_t a = co_await t;
  std::size_t b = co_await h;
  std::printf("%zu %zu\n", a, b);
}

int main() {
  asyncio::run(main_task());
}
