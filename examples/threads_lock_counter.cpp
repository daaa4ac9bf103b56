// Ports the race-condition fix of seed guide 001 ("Mastering Concurrency in Python"), section
// "Common Pitfalls", "Race Conditions" (seed guides 002 and 004 warn about the same trap):
//
//     lock = threading.Lock(); with lock: shared_var += 1
//
// The guide gives only that line; this is the smallest complete program around it: four threads
// each add 1 to a shared counter 100000 times. `with lock:` becomes a std::lock_guard over a
// braid::threading::lock. Without the lock the increments race (in C++ that is undefined
// behaviour, and the total usually comes out short); with it the total is always exact.
//
// Expected output:
//     shared_var = 400000
#include <cstdio>
#include <mutex>
#include <vector>

#include <braid/threading.hpp>

int main() {
  constexpr int thread_count = 4;
  constexpr int increments = 100000;

  braid::threading::lock lock;
  long shared_var = 0;

  auto add_many = [&] {
    for (int i = 0; i < increments; ++i) {
      std::lock_guard with_lock(lock);  // Python: `with lock:`
      shared_var += 1;
    }
  };

  std::vector<braid::threading::thread> threads;
  for (int i = 0; i < thread_count; ++i) {
    threads.emplace_back(add_many);
    threads.back().start();
  }
  for (auto& thread : threads) thread.join();

  std::printf("shared_var = %ld\n", shared_var);
}
