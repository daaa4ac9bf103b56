// braid::futures::promise<T> and future<T>: handing a result from one thread to another.
//
// Not a port of a seed guide: it shows the piece of Python's concurrent.futures.Future that braid
// splits off on purpose. Python's Future has set_result()/set_exception() on the same object the
// consumer waits on; braid gives the producer a promise<T> and the consumer a future<T>
// (docs/futures.md, "Deliberate differences from Python").
//
// Expected output:
//     answer: 42
//     error: the input was empty
//     broken: the promise was destroyed before it set a result
//     cancelled before it ran: yes
#include <cstdio>
#include <stdexcept>
#include <utility>

#include <braid/futures.hpp>
#include <braid/threading.hpp>

namespace futures = braid::futures;

int main() {
  // 1. The producer thread owns the promise; main waits on the future.
  {
    futures::promise<int> promise;
    futures::future<int> future = promise.get_future();
    braid::threading::thread producer([](futures::promise<int> p) { p.set_result(6 * 7); },
                                      std::move(promise));
    producer.start();
    std::printf("answer: %d\n", future.result());  // blocks until set_result
    producer.join();
  }

  // 2. An exception travels the same way; result() rethrows it.
  {
    futures::promise<int> promise;
    futures::future<int> future = promise.get_future();
    promise.set_exception(std::make_exception_ptr(std::invalid_argument("the input was empty")));
    try {
      future.result();
    } catch (const std::invalid_argument& e) {
      std::printf("error: %s\n", e.what());
    }
  }

  // 3. A promise destroyed without a result breaks its future instead of hanging its waiters.
  {
    futures::future<int> future;
    {
      futures::promise<int> promise;
      future = promise.get_future();
    }  // the producer gave up (an early return, an exception, ...)
    try {
      future.result();
    } catch (const futures::broken_promise& e) {
      std::printf("broken: %s\n", e.what());
    }
  }

  // 4. A producer that honours cancel() asks before it starts the work.
  {
    futures::promise<int> promise;
    futures::future<int> future = promise.get_future();
    future.cancel();  // the consumer changed its mind
    const bool may_run = promise.set_running_or_notify_cancel();
    std::printf("cancelled before it ran: %s\n", may_run ? "no" : "yes");
  }
}
