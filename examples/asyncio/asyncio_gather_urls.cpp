// Seed guides' aiohttp examples (fetch several URLs with gather). The HTTP request is simulated
// with asyncio::sleep: braid's http module (a later issue) brings real requests.
#include <cstdio>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

// Stands in for `async with session.get(url) as response: return await response.text()`.
asyncio::task<std::string> fetch(std::string url) {
  co_await asyncio::sleep(100ms);  // simulated network round trip
  co_return "<html>" + url + "</html>";
}

asyncio::task<void> main_task() {
  std::vector<std::string> urls = {"https://example.com", "https://example.org",
                                   "https://python.org"};
  std::vector<asyncio::task<std::string>> tasks;
  for (const auto& url : urls) tasks.push_back(fetch(url));
  auto results = co_await asyncio::gather(std::move(tasks));
  for (std::size_t i = 0; i < urls.size(); ++i) {
    std::printf("Fetched %s with status 200 (%zu bytes)\n", urls[i].c_str(), results[i].size());
  }
}

int main() {
  const auto start = std::chrono::steady_clock::now();
  asyncio::run(main_task());
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("Completed in %.2f seconds\n", took.count());
}
