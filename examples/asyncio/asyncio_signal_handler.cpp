// Signal handlers on the event loop: SIGUSR1 counted, SIGTERM (sent from another thread, as
// `kill <pid>` from a shell would) shutting the program down cleanly.
//
// Shown in docs/asyncio.md, "Signals". Python's names: loop.add_signal_handler(signal.SIGTERM,
// callback) and loop.remove_signal_handler(signal.SIGTERM).
//
// Expected output:
//     SIGUSR1 number 1
//     SIGTERM: stopping
//     handlers removed: 1 1
#include <braid/asyncio.hpp>

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace asyncio = braid::asyncio;

// [signals]
asyncio::task<void> main_task() {
  asyncio::event_loop& loop = asyncio::event_loop::running();
  asyncio::event usr1_seen;
  asyncio::event stop;
  int usr1 = 0;
  // The callbacks run on the loop's thread, as ordinary loop callbacks: no async-signal-safety
  // rules apply inside them.
  loop.add_signal_handler(SIGUSR1, [&] {
    std::printf("SIGUSR1 number %d\n", ++usr1);
    usr1_seen.set();
  });
  loop.add_signal_handler(SIGTERM, [&] {
    std::printf("SIGTERM: stopping\n");
    stop.set();
  });

  ::raise(SIGUSR1);  // on the loop's thread: waits in the signalfd until the loop reads it
  co_await usr1_seen.wait();
  std::thread other([] { ::kill(::getpid(), SIGTERM); });  // forwarded to the loop's thread
  co_await stop.wait();
  other.join();

  const bool a = loop.remove_signal_handler(SIGUSR1);  // the defaults are back
  const bool b = loop.remove_signal_handler(SIGTERM);
  std::printf("handlers removed: %d %d\n", a, b);
}
// [end signals]

int main() {
  asyncio::run(main_task());
}
