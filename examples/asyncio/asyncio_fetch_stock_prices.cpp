// Ports seed guide 001 ("Mastering Concurrency in Python"), "Example 3: Asyncio for Asynchronous
// I/O": the stock-price fetch of its Example 1 (threads_fetch_urls.cpp), with aiohttp:
//
//     async def fetch_url(session, url):
//         async with session.get(url) as response:
//             print(f"Fetched {url} with status {response.status}")
//             return await response.text()
//     async def main():
//         urls = ["https://api.example.com/stock/AAPL", "https://api.example.com/stock/GOOGL",
//                 "https://api.example.com/stock/MSFT"]
//         async with aiohttp.ClientSession() as session:
//             tasks = [fetch_url(session, url) for url in urls]
//             await asyncio.gather(*tasks)
//     start_time = time.time()
//     asyncio.run(main())
//     print(f"Completed in {time.time() - start_time:.2f} seconds")
//
// The requests are real HTTP with braid::http's client_session, to a local stand-in for
// api.example.com (support/local_api.hpp) that answers each after 5 ms. The guide's edge case,
// "add timeout=10 in session", is the session's client_timeout.
//
// Expected output (the three "Fetched" lines come in any order; the time varies a little):
//     Fetched https://api.example.com/stock/AAPL with status 200
//     Fetched https://api.example.com/stock/GOOGL with status 200
//     Fetched https://api.example.com/stock/MSFT with status 200
//     Completed in 0.01 seconds
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"
#include "support/local_api.hpp"

namespace asyncio = braid::asyncio;
namespace http = braid::http;
using namespace std::chrono_literals;

asyncio::task<std::string> fetch_url(http::client_session& session, std::string url,
                                     std::string local) {
  http::client_response response = co_await session.get(std::move(local));
  std::printf("Fetched %s with status %d\n", url.c_str(), response.status());
  co_return co_await response.text();
}

asyncio::task<void> main_task(const example::local_api& api) {
  const std::vector<std::string> urls = {"https://api.example.com/stock/AAPL",
                                         "https://api.example.com/stock/GOOGL",
                                         "https://api.example.com/stock/MSFT"};
  http::session_options options;
  options.timeout.total = 10s;  // timeout=10
  http::client_session session(std::move(options));
  std::vector<asyncio::task<std::string>> tasks;
  for (const auto& url : urls) tasks.push_back(fetch_url(session, url, api.local(url)));
  co_await asyncio::gather(std::move(tasks));
  co_await session.close();
}

int main() {
  const example::local_api api;
  const auto start_time = std::chrono::steady_clock::now();
  asyncio::run(main_task(api));
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_time;
  std::printf("Completed in %.2f seconds\n", elapsed.count());
}
