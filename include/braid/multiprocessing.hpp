#pragma once
/// \file
/// braid::multiprocessing: work in other processes (Python's multiprocessing and
/// concurrent.futures.ProcessPoolExecutor). See docs/multiprocessing.md.

#include "braid/multiprocessing/connection.hpp"
#include "braid/multiprocessing/cpu_count.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "braid/multiprocessing/pool.hpp"
#include "braid/multiprocessing/process.hpp"
#include "braid/multiprocessing/process_pool_executor.hpp"
#include "braid/multiprocessing/queue.hpp"
#include "braid/multiprocessing/remote_call.hpp"
#include "braid/multiprocessing/shared_memory.hpp"
#include "braid/multiprocessing/start_method.hpp"
#include "braid/multiprocessing/synchronize.hpp"
#include "braid/multiprocessing/value.hpp"
