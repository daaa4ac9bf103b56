#pragma once
/// \file
/// braid::asyncio: coroutines, one event loop per thread, structured concurrency (Python's
/// asyncio). See docs/asyncio.md.

#include "braid/asyncio/barrier.hpp"
#include "braid/asyncio/clock.hpp"
#include "braid/asyncio/condition.hpp"
#include "braid/asyncio/dns_error.hpp"
#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/fd_wait.hpp"
#include "braid/asyncio/future_operation.hpp"
#include "braid/asyncio/gather.hpp"
#include "braid/asyncio/lock.hpp"
#include "braid/asyncio/queue.hpp"
#include "braid/asyncio/resolve.hpp"
#include "braid/asyncio/run.hpp"
#include "braid/asyncio/run_coroutine_threadsafe.hpp"
#include "braid/asyncio/run_sharded.hpp"
#include "braid/asyncio/sleep.hpp"
#include "braid/asyncio/task.hpp"
#include "braid/asyncio/task_group.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/asyncio/timeout.hpp"
#include "braid/asyncio/to_thread.hpp"
#include "braid/asyncio/wait.hpp"
