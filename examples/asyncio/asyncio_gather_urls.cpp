// Seed guides' aiohttp examples (fetch several URLs with gather):
//
//   async def fetch(session, url):
//       async with session.get(url) as response:
//           return await response.text()
//   async def main():
//       async with aiohttp.ClientSession() as session:
//           tasks = [fetch(session, url) for url in urls]
//           results = await asyncio.gather(*tasks)
//
// The requests are real HTTP with braid::http's client_session, sent to a local stand-in for
// the guides' sites (support/local_api.hpp) that answers each after 5 ms: the three overlap.
#include <cstdio>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"
#include "support/local_api.hpp"

namespace asyncio = braid::asyncio;
namespace http = braid::http;

// `async with session.get(url) as response: return await response.text()`; a status of 400 or
// more throws (client_response_error), so every page printed below came with a 2xx status.
asyncio::task<std::string> fetch(http::client_session& session, std::string url) {
  http::client_response response = co_await session.get(std::move(url));
  response.raise_for_status();
  co_return co_await response.text();
}

asyncio::task<void> main_task(const example::local_api& api) {
  std::vector<std::string> urls = {"https://example.com", "https://example.org",
                                   "https://python.org"};
  http::client_session session;
  std::vector<asyncio::task<std::string>> tasks;
  for (const auto& url : urls) tasks.push_back(fetch(session, api.local(url)));
  auto results = co_await asyncio::gather(std::move(tasks));
  co_await session.close();
  for (std::size_t i = 0; i < urls.size(); ++i) {
    std::printf("Fetched %s (%zu bytes)\n", urls[i].c_str(), results[i].size());
  }
}

int main() {
  const example::local_api api;
  const auto start = std::chrono::steady_clock::now();
  asyncio::run(main_task(api));
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  std::printf("Completed in %.2f seconds\n", took.count());
}
