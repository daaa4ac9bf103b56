#pragma once
/// \file
/// braid::threading: Python's threading and queue modules for C++ (see docs/threading.md).

#include "braid/threading/barrier.hpp"
#include "braid/threading/condition.hpp"
#include "braid/threading/current_thread.hpp"
#include "braid/threading/errors.hpp"
#include "braid/threading/event.hpp"
#include "braid/threading/lifo_queue.hpp"
#include "braid/threading/lock.hpp"
#include "braid/threading/priority_queue.hpp"
#include "braid/threading/queue.hpp"
#include "braid/threading/rlock.hpp"
#include "braid/threading/semaphore.hpp"
#include "braid/threading/simple_queue.hpp"
#include "braid/threading/thread.hpp"
#include "braid/threading/timer.hpp"
