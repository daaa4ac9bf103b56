// braid::threading::set_excepthook: an exception escaping a thread's callable.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   threading.excepthook = hook   # hook(args): args.exc_value, args.thread.name
//
// Expected output:
//     Thread-1 failed in thread body: boom
#include <braid/threading/current_thread.hpp>
#include <braid/threading/thread.hpp>

#include <cstdio>
#include <stdexcept>

int main() {
  namespace bt = braid::threading;
  bt::set_excepthook([](const bt::excepthook_args& args) {
    try {
      std::rethrow_exception(args.exception);
    } catch (const std::exception& e) {
      std::printf("%s failed in %.*s: %s\n", args.thread_name.c_str(),
                  static_cast<int>(args.where.size()), args.where.data(), e.what());
    }
  });
  bt::thread t([] { throw std::runtime_error("boom"); });
  t.start();
  t.join();
}
