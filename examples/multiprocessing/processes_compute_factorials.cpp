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
// braid: the same, with a small big-number routine for the exact factorial. The second process
// is started after the first has finished printing, so that the output has a fixed order.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "braid/multiprocessing.hpp"

namespace mp = braid::multiprocessing;

std::string factorial(int n) {
  std::vector<std::uint32_t> limbs{1};  // little-endian, base 10^9
  for (int k = 2; k <= n; ++k) {
    std::uint64_t carry = 0;
    for (auto& limb : limbs) {
      const std::uint64_t v =
          static_cast<std::uint64_t>(limb) * static_cast<std::uint64_t>(k) + carry;
      limb = static_cast<std::uint32_t>(v % 1'000'000'000);
      carry = v / 1'000'000'000;
    }
    while (carry != 0) {
      limbs.push_back(static_cast<std::uint32_t>(carry % 1'000'000'000));
      carry /= 1'000'000'000;
    }
  }
  std::string out = std::to_string(limbs.back());
  for (auto it = limbs.rbegin() + 1; it != limbs.rend(); ++it) {
    const std::string part = std::to_string(*it);
    out += std::string(9 - part.size(), '0') + part;
  }
  return out;
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
