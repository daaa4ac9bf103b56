// Ports seed guide 002 (untitled: "concurrency and parallelism ... threading, multiprocessing, and
// asynchronous programming"), section "Threading in Python", "Example of Threading":
//
//     def print_numbers():
//         for i in range(5):
//             print(i)
//             time.sleep(1)
//     def print_letters():
//         for letter in 'abcde':
//             print(letter)
//             time.sleep(1)
//     t1 = threading.Thread(target=print_numbers)
//     t2 = threading.Thread(target=print_letters)
//     t1.start(); t2.start()
//     t1.join(); t2.join()
//
// The sleeps are the workload (each stands for waiting on I/O), not synchronisation; they are
// 10 ms instead of 1 s so the example runs quickly in the test suite.
//
// Expected output: the numbers 0 to 4 and the letters a to e, one per line, interleaved. Each
// thread prints its own items in order; which thread prints first at each step varies from run
// to run, for example:
//     0
//     a
//     1
//     b
//     ...
//     4
//     e
#include <chrono>
#include <cstdio>
#include <thread>

#include <braid/threading.hpp>

using namespace std::chrono_literals;

void print_numbers() {
  for (int i = 0; i < 5; ++i) {
    std::printf("%d\n", i);
    std::this_thread::sleep_for(10ms);  // the simulated I/O
  }
}

void print_letters() {
  for (char letter : {'a', 'b', 'c', 'd', 'e'}) {
    std::printf("%c\n", letter);
    std::this_thread::sleep_for(10ms);
  }
}

int main() {
  // Create threads
  braid::threading::thread t1(print_numbers);
  braid::threading::thread t2(print_letters);
  // Start threads
  t1.start();
  t2.start();
  // Wait for threads to complete
  t1.join();
  t2.join();
}
