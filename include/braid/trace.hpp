#pragma once
/// \file
/// braid::trace: opt-in task tracing to Chrome trace-event JSON.
#include "braid/trace/tracing.hpp"
