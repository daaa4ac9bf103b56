// braid::threading::bounded_semaphore: a timed acquire, and releasing too often.
//
// Not a port of a seed guide: shown in docs/threading.md. Python:
//
//   slots = threading.BoundedSemaphore(2)
//   slots.acquire(timeout=0.01)
//   slots.release()  # ValueError
//
// Expected output:
//     third: 0
//     value_error: semaphore released too many times
#include <braid/threading/errors.hpp>
#include <braid/threading/semaphore.hpp>

#include <chrono>
#include <cstdio>

int main() {
  namespace bt = braid::threading;
  using namespace std::chrono_literals;

  bt::bounded_semaphore slots(2);
  slots.acquire();
  slots.acquire();
  std::printf("third: %d\n", slots.acquire(10ms));
  slots.release(2);
  try {
    slots.release();
  } catch (const bt::value_error& e) {
    std::printf("value_error: %s\n", e.what());
  }
}
