// Python (seed guide "Basic Multiprocessing Example"):
//
//   import multiprocessing
//   def square_number(n):
//       print(n * n)
//   process = multiprocessing.Process(target=square_number, args=(5,))
//   process.start()
//   process.join()
//
// braid: the same program. The child is this binary started again in worker mode (before main),
// so square_number must be a plain function (or captureless lambda) and 5 travels serialised.
#include <cstdio>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

void square_number(int n) {
  std::printf("%d\n", n * n);
}

int main() {
  mp::process process(square_number, 5);
  process.start();
  process.join();  // ensures the process completes before moving forward
}
// Output:
//   25
