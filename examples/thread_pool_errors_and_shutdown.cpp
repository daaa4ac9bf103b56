// What a thread_pool_executor throws, and when (Python's ThreadPoolExecutor with
// thread_name_prefix and initializer, BrokenThreadPool, TimeoutError, and RuntimeError after
// shutdown). Every error braid throws on purpose derives from braid::error.
//
// Not a port of a seed guide. A task held back by an event makes the timeout certain; no sleep
// is used for synchronisation.
//
// Expected output:
//     worker name: fetcher_0
//     result(timeout): the wait timed out
//     own shutdown(wait): shutdown(wait=true) from one of the pool's own tasks would wait for
//         itself
//     submit after shutdown: cannot schedule new work after shutdown
//     broken pool: a thread initializer failed, the thread pool is not usable anymore: no database
//     submit to a broken pool throws broken_thread_pool: yes
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

#include <braid/futures.hpp>
#include <braid/threading.hpp>

namespace futures = braid::futures;
using namespace std::chrono_literals;

int main() {
  {
    braid::threading::event release;  // declared first: it must outlive the pool's workers
    // max_workers, thread_name_prefix, initializer: Python's ThreadPoolExecutor arguments.
    futures::thread_pool_executor pool(1, "fetcher");

    auto name = pool.submit([] { return braid::threading::current_thread_name(); });
    std::printf("worker name: %s\n", name.result().c_str());

    auto held = pool.submit([&release] {
      release.wait();
      return 0;
    });
    try {
      held.result(10ms);
    } catch (const futures::timeout_error& e) {  // the task keeps running
      std::printf("result(timeout): %s\n", e.what());
    }
    release.set();
    held.result();

    // shutdown(wait = true) from one of the pool's own tasks would wait for itself.
    auto self_shutdown = pool.submit([&pool] { pool.shutdown(); });
    try {
      self_shutdown.result();
    } catch (const futures::invalid_state_error& e) {
      std::printf("own shutdown(wait): %s\n", e.what());
    }

    pool.shutdown();
    try {
      pool.submit([] { return 1; });
    } catch (const futures::executor_shutdown_error& e) {
      std::printf("submit after shutdown: %s\n", e.what());
    }
  }

  {
    // An initializer that throws breaks the pool: queued work fails, later submits throw.
    futures::thread_pool_executor pool(2, "", [] { throw std::runtime_error("no database"); });
    auto f = pool.submit([] { return 1; });
    try {
      f.result();
    } catch (const futures::broken_thread_pool& e) {
      std::printf("broken pool: %s\n", e.what());
    }
    bool threw = false;
    try {
      pool.submit([] { return 2; });
    } catch (const braid::error&) {  // broken_thread_pool derives from broken_executor
      threw = true;
    }
    std::printf("submit to a broken pool throws broken_thread_pool: %s\n", threw ? "yes" : "no");
  }
}
