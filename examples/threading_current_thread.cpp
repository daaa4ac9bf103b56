// braid::threading::current_thread_name(), set_current_thread_name(), get_ident().
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   threading.current_thread().name
//   threading.get_ident()
//
// Expected output:
//     MainThread
//     orchestrator, ident 1
#include <braid/threading/current_thread.hpp>

#include <cstdio>

int main() {
  namespace bt = braid::threading;
  std::printf("%s\n", bt::current_thread_name().c_str());
  bt::set_current_thread_name("orchestrator");
  std::printf("%s, ident %d\n", bt::current_thread_name().c_str(), bt::get_ident() != 0);
}
