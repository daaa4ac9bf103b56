// Python (seed guide "Using ProcessPoolExecutor for Multiprocessing"):
//
//   from concurrent.futures import ProcessPoolExecutor
//   def square(n):
//       return n * n
//   numbers = [1, 2, 3, 4, 5]
//   with ProcessPoolExecutor() as executor:
//       results = executor.map(square, numbers)
//   print(list(results))
//
// braid: the pool's destructor plays the `with` block's exit (shut down, wait, reap).
#include <cstdio>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

int square(int n) {
  return n * n;
}

int main() {
  const std::vector<int> numbers{1, 2, 3, 4, 5};
  std::vector<int> results;
  {
    mp::process_pool_executor executor;
    for (int r : executor.map(square, numbers)) results.push_back(r);
  }
  std::printf("[");
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::printf("%s%d", i == 0 ? "" : ", ", results[i]);
  }
  std::printf("]\n");
}
// Output:
//   [1, 4, 9, 16, 25]
