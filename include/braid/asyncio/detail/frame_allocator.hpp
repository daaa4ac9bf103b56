#pragma once
/// \file
/// Coroutine frames and task states come from braid::futures' per-thread block pool (see
/// braid/futures/detail/block_pool.hpp), which thread-pool work items share.

#include <cstddef>

#include "braid/futures/detail/block_pool.hpp"

namespace braid::asyncio::detail {

[[nodiscard]] inline void* frame_allocate(std::size_t size) {
  return futures::detail::block_allocate(size);
}
inline void frame_deallocate(void* p, std::size_t size) noexcept {
  futures::detail::block_deallocate(p, size);
}

}  // namespace braid::asyncio::detail
