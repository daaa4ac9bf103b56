// Ports seed guide 000 (untitled, opening "Python provides three primary ways ..."), section
// "4. Using ThreadPoolExecutor for Simpler Thread Management":
//
//     from concurrent.futures import ThreadPoolExecutor
//     def fetch_data(site):
//         print(f"Fetching data from {site}")
//     sites = ["site1.com", "site2.com", "site3.com"]
//     with ThreadPoolExecutor(max_workers=3) as executor:
//         executor.map(fetch_data, sites)  # Run tasks concurrently
//
// `with ... as executor:` becomes a scope: the pool's destructor shuts it down and waits, as
// leaving the `with` block does. Two differences from the Python snippet, both deliberate:
//   - braid's map() yields results, lazily, as you iterate it; a map that is never iterated only
//     starts its first tasks and cancels the rest when it is destroyed. So the loop below consumes
//     the results (Python's snippet relies on its map submitting everything at once).
//   - map() wants a function that returns something (use submit() for void functions), so
//     fetch_data returns its message, and main prints the messages in input order. That also
//     makes the output the same on every run; Python's prints come in any order.
// No network: fetching is simulated by a 5 ms sleep.
//
// Expected output:
//     Fetching data from site1.com
//     Fetching data from site2.com
//     Fetching data from site3.com
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <braid/futures.hpp>

using namespace std::chrono_literals;

std::string fetch_data(const std::string& site) {
  std::this_thread::sleep_for(5ms);  // the simulated request
  return "Fetching data from " + site;
}

int main() {
  const std::vector<std::string> sites = {"site1.com", "site2.com", "site3.com"};
  {
    braid::futures::thread_pool_executor executor(3);
    for (const std::string& message : executor.map(fetch_data, sites)) {  // run tasks concurrently
      std::printf("%s\n", message.c_str());
    }
  }  // the executor shuts down here, waiting for its threads
}
