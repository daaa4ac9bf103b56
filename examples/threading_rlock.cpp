// braid::threading::rlock: the owner may acquire it again.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   r = threading.RLock()
//   with r:
//       with r: ...
//
// Expected output:
//     1
#include <braid/threading/rlock.hpp>

#include <cstdio>
#include <mutex>

int main() {
  namespace bt = braid::threading;
  bt::rlock r;
  std::lock_guard<bt::rlock> outer(r);
  std::lock_guard<bt::rlock> inner(r);  // the owner may acquire again
  std::printf("%d\n", r.owned_by_current_thread());
}
