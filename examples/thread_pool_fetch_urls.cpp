// Ports seed guide 001 ("Mastering Concurrency in Python"), section "Advanced Tips": "Concurrent
// Futures: Use concurrent.futures.ThreadPoolExecutor ... for a higher-level API", applied to the
// guide's "Example 1: Threading for I/O-Bound Tasks" (see threads_fetch_urls.cpp for the
// thread-per-URL version). The guide shows no code for the tip; in Python it would be:
//
//     def fetch_url(url):
//         response = requests.get(url)
//         return response.status_code
//     with ThreadPoolExecutor(max_workers=3) as executor:
//         future = executor.submit(fetch_url, urls[0])
//         print(f"Fetched {urls[0]} with status {future.result()}")
//         for url, status in zip(urls, executor.map(fetch_url, urls)):
//             print(f"Fetched {url} with status {status}")
//
// The requests are real HTTP (a blocking GET with braid::http per call, as requests.get), sent to
// a local stand-in for api.example.com (support/local_api.hpp) that answers after 5 ms.
//
// Expected output:
//     submit: https://api.example.com/stock/AAPL -> 200
//     map: https://api.example.com/stock/AAPL -> 200
//     map: https://api.example.com/stock/GOOGL -> 200
//     map: https://api.example.com/stock/MSFT -> 200
//     Completed 4 requests on 3 threads
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include <braid/futures.hpp>

#include "support/local_api.hpp"

const example::local_api* api = nullptr;  // api.example.com on this machine, made by main

// requests.get(url).status_code
int fetch_url(const std::string& url) {
  return example::blocking_get_status(api->local(url));
}

int main() {
  const example::local_api local_api;
  api = &local_api;
  const std::vector<std::string> urls = {"https://api.example.com/stock/AAPL",
                                         "https://api.example.com/stock/GOOGL",
                                         "https://api.example.com/stock/MSFT"};

  braid::futures::thread_pool_executor executor(3);

  // submit() returns a future at once; result() waits for it (and rethrows what fetch_url threw).
  braid::futures::future<int> future = executor.submit(fetch_url, urls[0]);
  std::printf("submit: %s -> %d\n", urls[0].c_str(), future.result());

  // map() yields the results in input order while the requests run concurrently.
  std::size_t i = 0;
  for (int status : executor.map(fetch_url, urls)) {
    std::printf("map: %s -> %d\n", urls[i++].c_str(), status);
  }

  executor.shutdown();  // waits for the workers, as leaving Python's `with` block does
  std::printf("Completed %llu requests on %zu threads\n",
              static_cast<unsigned long long>(executor.statistics().completed),
              executor.max_workers());
}
