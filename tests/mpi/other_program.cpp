// Another program using braid::mpi: run as the worker ranks of the binary-mismatch test, where
// each refuses the test binary's pool before main (this main never runs there).
#include <cstdio>

#include "braid/mpi/mpi_pool_executor.hpp"

int main() {
  braid::mpi::mpi_pool_executor pool;
  std::printf("%d\n", pool.submit([] { return 1; }).result());
}
