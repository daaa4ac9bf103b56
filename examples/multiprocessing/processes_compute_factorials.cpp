// Python (seed guide "Using Multiprocessing for CPU-bound Tasks"):
//
//   from multiprocessing import Process
//   import math
//   def compute_factorial(n): print(f"Factorial of {n}: {math.factorial(n)}")
//   process1 = Process(target=compute_factorial, args=(100,))
//   process2 = Process(target=compute_factorial, args=(200,))
//   process1.start(); process2.start()
//   process1.join(); process2.join()
//   print("All computations complete!")
//
// braid: the same, with GMP's C++ interface (mpz_class) for the exact factorial. The second
// process is started after the first has finished printing, so that the output has a fixed order.
#include <gmpxx.h>

#include <cstdio>
#include <string>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

std::string factorial(int n) {
  mpz_class result;
  mpz_fac_ui(result.get_mpz_t(), static_cast<unsigned long>(n));
  return result.get_str();
}

void compute_factorial(int n) {
  std::printf("Factorial of %d: %s\n", n, factorial(n).c_str());
}

int main() {
  mp::process process1(compute_factorial, 100);
  mp::process process2(compute_factorial, 200);
  process1.start();
  process1.join();
  process2.start();
  process2.join();
  std::printf("All computations complete!\n");
}
// Output:
//   Factorial of 100:
//   93326215443944152681699238856266700490715968264381621468592963895217599993229915608941463976156518286253697920827223758251185210916864000000000000000000000000
//   Factorial of 200:
//   7886578673647905035523632139321850622951359776871732632947425332443594499634033429203042840119846239041772121389196388302576427902426371050619266249528299311134628572707633172373969889439224456214516642402540332918641312274282948532775242424075739032403212574055795686602260319041703240623517008587961789222227896237038973747200000000000000000000000000000000000000000000000000
//   All computations complete!
