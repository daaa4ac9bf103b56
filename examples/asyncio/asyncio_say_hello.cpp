// Seed guide "Basic Async Example": asyncio.run(say_hello()).
#include <iostream>

#include "braid/asyncio.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

asyncio::task<void> say_hello() {
  std::cout << "Hello, World!\n";
  co_await asyncio::sleep(1s);  // simulates an I/O operation
  std::cout << "Goodbye!\n";
}

int main() {
  asyncio::run(say_hello());
}
