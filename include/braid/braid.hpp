#pragma once
/// \file
/// Everything in braid. Prefer the module headers (braid/futures.hpp, ...) in large projects:
/// they compile faster.

#include "braid/asyncio.hpp"
#include "braid/futures.hpp"
#include "braid/http.hpp"
#include "braid/multiprocessing.hpp"
#include "braid/threading.hpp"
#include "braid/trace.hpp"
