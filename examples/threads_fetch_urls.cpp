// Ports seed guide 001 ("Mastering Concurrency in Python: Threading, Multiprocessing, and Asyncio
// Compared"), "Example 1: Threading for I/O-Bound Tasks", with the try/except the guide adds under
// "Edge cases":
//
//     def fetch_url(url):
//         response = requests.get(url)
//         print(f"Fetched {url} with status {response.status_code}")
//     urls = ["https://api.example.com/stock/AAPL", "https://api.example.com/stock/GOOGL",
//             "https://api.example.com/stock/MSFT"]
//     start_time = time.time()
//     threads = []
//     for url in urls:
//         thread = threading.Thread(target=fetch_url, args=(url,))
//         threads.append(thread)
//         thread.start()
//     for thread in threads:
//         thread.join()
//     print(f"Completed in {time.time() - start_time:.2f} seconds")
//
// The requests are real HTTP: requests.get() becomes a blocking GET with braid::http (an event
// loop and a client_session of its own on each thread, as requests opens a connection per call),
// sent to a local stand-in for api.example.com (support/local_api.hpp) that answers after 5 ms.
// The three waits overlap, so the whole run takes about as long as one of them.
//
// Expected output (the three "Fetched" lines come in any order; the time varies a little):
//     Fetched https://api.example.com/stock/AAPL with status 200
//     Fetched https://api.example.com/stock/GOOGL with status 200
//     Fetched https://api.example.com/stock/MSFT with status 200
//     Completed in 0.01 seconds
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <braid/threading.hpp>

#include "support/local_api.hpp"

const example::local_api* api = nullptr;  // api.example.com on this machine, made by main

void fetch_url(const std::string& url) {
  try {
    const int status = example::blocking_get_status(api->local(url));
    // One printf per line: lines from different threads never mix.
    std::printf("Fetched %s with status %d\n", url.c_str(), status);
  } catch (const std::exception& e) {
    std::printf("Error: %s\n", e.what());
  }
}

int main() {
  const example::local_api local_api;
  api = &local_api;
  const std::vector<std::string> urls = {"https://api.example.com/stock/AAPL",
                                         "https://api.example.com/stock/GOOGL",
                                         "https://api.example.com/stock/MSFT"};

  const auto start_time = std::chrono::steady_clock::now();
  std::vector<braid::threading::thread> threads;
  for (const auto& url : urls) {
    threads.emplace_back(fetch_url, url);
    threads.back().start();
  }
  for (auto& thread : threads) thread.join();

  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_time;
  std::printf("Completed in %.2f seconds\n", elapsed.count());
}
