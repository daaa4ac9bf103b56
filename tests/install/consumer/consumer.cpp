// An outside program using the installed braid: prints 42.
#include <braid/braid.hpp>

#include <iostream>

int main() {
  braid::futures::thread_pool_executor pool(2);
  auto f = pool.submit([](int a, int b) { return a * b; }, 6, 7);
  std::cout << f.result() << '\n';
}
