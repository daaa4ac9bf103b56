// braid::multiprocessing::process: start, join (with or without a timeout) and exit codes.
//
// Not a port of a seed guide: it goes past the guides' start()/join() to what Python's Process
// also has. Python:
//
//   p = multiprocessing.Process(target=work, args=(5,))
//   p.start()
//   p.join()           # or p.join(timeout)
//   p.exitcode         # 0, 1 if work raised, -N if signal N killed it
//
// Expected output:
//     work(5)
//     exitcode 0
//     joined within 10 ms: no
//     killed: exitcode -9
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "braid/multiprocessing/process.hpp"

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;

void work(int n) {
  std::printf("work(%d)\n", n);
  std::fflush(stdout);
}

void nap(int seconds) {
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
}

int main() {
  // [basics]
  mp::process p(work, 5);  // the call is serialised here
  p.start();
  p.join();                                // or p.join(timeout) -> bool
  std::optional<int> code = p.exitcode();  // 0, 1 if work threw, -N if signal N killed it
  // [end basics]
  std::printf("exitcode %d\n", code.value_or(-1));

  mp::process sleeper(nap, 60);
  sleeper.start();
  std::printf("joined within 10 ms: %s\n", sleeper.join(10ms) ? "yes" : "no");
  sleeper.kill();  // SIGKILL
  sleeper.join();
  std::printf("killed: exitcode %d\n", sleeper.exitcode().value_or(0));
}
