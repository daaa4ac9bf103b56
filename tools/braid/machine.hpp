#pragma once
/// \file
/// The machine `braid compare` ran on, for the report: CPU model, kernel, memory.

#include "results.hpp"

namespace braid::tool {

/// Fills cores, pool_max_workers, cpu_model, kernel and memory_kib. Never throws but
/// std::bad_alloc; fields it cannot read stay empty.
void describe_machine(machine_facts& facts);

}  // namespace braid::tool
