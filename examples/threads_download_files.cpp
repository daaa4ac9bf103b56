// Ports seed guide 004 ("Understanding Python Multitasking: Threads, Asyncio, and
// Multiprocessing"), section "Threads in Python", "Example: Using Threads for I/O-bound Tasks":
//
//     def download_file(file_name):
//         print(f"Starting download for {file_name}")
//         time.sleep(2)  # Simulate file download
//         print(f"Finished downloading {file_name}")
//     thread1 = threading.Thread(target=download_file, args=("file1.txt",))
//     thread2 = threading.Thread(target=download_file, args=("file2.txt",))
//     thread1.start(); thread2.start()
//     thread1.join(); thread2.join()
//     print("All downloads complete!")
//
// Python's `args=(...)` become the arguments after the callable, as with std::thread; they are
// copied into the thread. The simulated download sleeps 20 ms instead of 2 s so the example runs
// quickly in the test suite; the sleep is the workload, not synchronisation.
//
// Expected output (the first four lines may come in another order):
//     Starting download for file1.txt
//     Starting download for file2.txt
//     Finished downloading file1.txt
//     Finished downloading file2.txt
//     All downloads complete!
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <braid/threading.hpp>

using namespace std::chrono_literals;

void download_file(const std::string& file_name) {
  std::printf("Starting download for %s\n", file_name.c_str());
  std::this_thread::sleep_for(20ms);  // simulate file download
  std::printf("Finished downloading %s\n", file_name.c_str());
}

int main() {
  // Create threads
  braid::threading::thread thread1(download_file, std::string("file1.txt"));
  braid::threading::thread thread2(download_file, std::string("file2.txt"));
  // Start threads
  thread1.start();
  thread2.start();
  // Wait for threads to complete
  thread1.join();
  thread2.join();
  std::printf("All downloads complete!\n");
}
