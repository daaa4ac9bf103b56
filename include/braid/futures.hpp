#pragma once
/// \file
/// braid::futures: one future<T> for threads (and, with braid::asyncio, coroutines), executors,
/// wait() and as_completed(). Python's concurrent.futures. See docs/futures.md.

#include "braid/futures/errors.hpp"
#include "braid/futures/executor.hpp"
#include "braid/futures/future.hpp"
#include "braid/futures/thread_pool_executor.hpp"
#include "braid/futures/wait.hpp"
