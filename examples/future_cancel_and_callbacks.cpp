// Cancelling queued work and reacting to completion with done-callbacks (Python's
// Future.cancel(), cancelled(), add_done_callback()).
//
// Not a port of a seed guide. A one-worker pool is kept busy by a task that waits for an event,
// so the second task is certainly still queued when main cancels it: the event is how this
// example controls the order, no sleep is involved.
//
// Expected output:
//     cancel() of the queued task: true
//     cancelled: true, done: true
//     result(): the future was cancelled
//     callback: the first task returned 1
//     excepthook: future done callback: a callback failed
//     done
#include <cstdio>
#include <stdexcept>

#include <braid/futures.hpp>
#include <braid/threading.hpp>

namespace futures = braid::futures;

int main() {
  // Exceptions thrown by done-callbacks are not lost: they go to braid::threading's excepthook.
  braid::threading::set_excepthook([](const braid::threading::excepthook_args& args) {
    try {
      std::rethrow_exception(args.exception);
    } catch (const std::exception& e) {
      std::printf("excepthook: %.*s: %s\n", static_cast<int>(args.where.size()), args.where.data(),
                  e.what());
    }
  });

  braid::threading::event go;
  futures::thread_pool_executor pool(1);
  futures::future<int> first = pool.submit([&go] {
    go.wait();
    return 1;
  });
  futures::future<int> second = pool.submit([] { return 2; });  // queued behind `first`

  std::printf("cancel() of the queued task: %s\n", second.cancel() ? "true" : "false");
  std::printf("cancelled: %s, done: %s\n", second.cancelled() ? "true" : "false",
              second.done() ? "true" : "false");
  try {
    second.result();
  } catch (const futures::cancelled_error& e) {
    std::printf("result(): %s\n", e.what());
  }

  // Runs on the thread that completes `first` (the worker), or at once if it is already done.
  braid::threading::event callback_ran;
  first.add_done_callback([&callback_ran](const futures::future<int>& f) {
    std::printf("callback: the first task returned %d\n", f.result());
    callback_ran.set();
  });
  first.add_done_callback([] { throw std::runtime_error("a callback failed"); });

  go.set();  // let the first task finish
  first.wait();
  callback_ran.wait();
  pool.shutdown();  // joins the worker, so the second callback has run too
  braid::threading::set_excepthook({});
  std::printf("done\n");
}
