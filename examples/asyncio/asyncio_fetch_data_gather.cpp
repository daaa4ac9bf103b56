// Seed guide: three fetch_data() coroutines run concurrently with gather; about 2 s in total.
#include <chrono>
#include <iostream>

#include "braid/asyncio.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

asyncio::task<void> fetch_data() {
  std::cout << "Fetching data...\n";
  co_await asyncio::sleep(2s);
  std::cout << "Data fetched!\n";
}

asyncio::task<void> main_task() {
  co_await asyncio::gather(fetch_data(), fetch_data(), fetch_data());
}

int main() {
  const auto start = std::chrono::steady_clock::now();
  asyncio::run(main_task());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::cout << "all three in " << (took < 3s ? "about 2" : "more than 3") << " seconds\n";
}
