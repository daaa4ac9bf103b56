// Ports seed guide 000 (untitled, opening "Python provides three primary ways ..."), section
// "2. Using Threads in Python", "Basic Thread Example":
//
//     import threading
//     def print_numbers():
//         for i in range(5):
//             print(i)
//     thread = threading.Thread(target=print_numbers)
//     thread.start()  # Start the thread
//     thread.join()   # Wait for the thread to complete
//
// As in Python, constructing the thread does not run it: start() does, and join() waits.
//
// Expected output:
//     0
//     1
//     2
//     3
//     4
#include <cstdio>

#include <braid/threading.hpp>

void print_numbers() {
  for (int i = 0; i < 5; ++i) std::printf("%d\n", i);
}

int main() {
  braid::threading::thread thread(print_numbers);
  thread.start();  // start the thread
  thread.join();   // wait for the thread to complete
}
