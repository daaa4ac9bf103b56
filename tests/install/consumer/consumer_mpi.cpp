// An outside program using the installed braid::mpi: started alone, its pool spawns one worker
// with MPI_Comm_spawn; prints 42.
#include <braid/mpi.hpp>

#include <iostream>

int times(int a, int b) {
  return a * b;
}

int main() {
  braid::mpi::mpi_pool_executor pool(1);
  std::cout << pool.submit(times, 6, 7).result() << '\n';
}
