#pragma once
/// \file
/// Concurrency models for `braid compare`: ways of running all of a workload's tasks. Each model
/// is one entry of model_registry(); process_pool is one more entry.
///
/// asyncio runs every task as a coroutine under one asyncio::run: an io task awaits
/// asyncio::sleep(latency) instead of blocking, a cpu task calls run_one on the loop's thread
/// (one after another: coroutines give concurrency, not parallelism).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "workload.hpp"

namespace braid::tool {

/// What running a workload under a model produced.
struct model_result {
  std::uint64_t checksum = 0;  ///< sum of the tasks' results; equal across models
  std::size_t threads = 0;     ///< threads that ran tasks (1 for sequential: the caller's)
  std::size_t processes = 0;   ///< worker processes that ran them (0: all in this process)
};

/// One entry of the registry. run() runs every task of the workload and returns once all have
/// finished; it throws what the workload's tasks throw, and what starting threads throws.
struct model {
  std::string_view name;
  std::string_view help;
  model_result (*run)(const workload& work);
};

/// Every model, in the order reports list them; "sequential" comes first, because it is the
/// baseline speedups are measured against. Never throws.
const std::vector<model>& model_registry() noexcept;

/// The model called `name`, or nullptr. Never throws.
const model* find_model(std::string_view name) noexcept;

}  // namespace braid::tool
