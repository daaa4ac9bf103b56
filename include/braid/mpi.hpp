#pragma once
/// \file
/// braid::mpi: the executor interface over the ranks of an MPI job (mpi4py.futures). An
/// optional module, built when the build finds MPI; link braid::mpi.

#include "braid/mpi/errors.hpp"
#include "braid/mpi/mpi_pool_executor.hpp"
