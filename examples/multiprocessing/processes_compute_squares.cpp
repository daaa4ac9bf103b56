// Python (seed guide "Example of Multiprocessing"):
//
//   from multiprocessing import Process
//   import time
//   def compute_square(n):
//       print(f'Square of {n}: {n * n}')
//       time.sleep(1)
//   processes = []
//   for i in range(5):
//       p = Process(target=compute_square, args=(i,))
//       processes.append(p)
//       p.start()
//   for p in processes:
//       p.join()
//
// braid: the same; the five lines come in whatever order the processes run.
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

void compute_square(int n) {
  std::printf("Square of %d: %d\n", n, n * n);
  std::fflush(stdout);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the workload, as in the guide
}

int main() {
  std::vector<mp::process> processes;
  for (int i = 0; i < 5; ++i) {
    processes.emplace_back(compute_square, i);
    processes.back().start();
  }
  for (auto& p : processes) p.join();
  std::printf("All processes done\n");
}
// Output (the first five lines in any order):
//   Square of 0: 0
//   Square of 1: 1
//   Square of 2: 4
//   Square of 3: 9
//   Square of 4: 16
//   All processes done
