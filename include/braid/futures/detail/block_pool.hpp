#pragma once
/// \file
/// The allocator of small, short-lived objects that cross threads: thread-pool work items and
/// their futures' states, asyncio's coroutine frames and task states. Per-thread free lists of
/// fixed-size blocks carved from 64 KiB slabs, in size classes of 16 bytes from 32 bytes to 1 KiB.
/// Blocks carry no header, so the caller passes the size back when freeing (the promise's sized
/// operator delete). Larger sizes go to ::operator new.
///
/// Thread-safety: any thread may allocate and free; a block freed on another thread than the one
/// that allocated it joins the freeing thread's list. Each thread's lists are touched only by that
/// thread; a thread keeps at most about 256 KiB free per size class and hands the surplus, and
/// everything it holds when it exits, to a shared depot (under a mutex) that other threads refill
/// from. Memory is reused but never returned to the system before the process exits.
///
/// Built with AddressSanitizer, the library bypasses the pool (every block is its own
/// ::operator new) so that use-after-free of a frame is still detected.

#include <cstddef>

namespace braid::futures::detail {

/// The largest size served from the pool; larger requests go to ::operator new.
inline constexpr std::size_t block_pool_max_size = 1024;

/// Allocates `size` bytes aligned for any scalar type (alignof(std::max_align_t)). Throws
/// std::bad_alloc.
[[nodiscard]] void* block_allocate(std::size_t size);

/// Frees a block from block_allocate(); `size` must be the size it was allocated with.
void block_deallocate(void* p, std::size_t size) noexcept;

/// What block_allocate would serve `size` with: the size class (0 if `size` is above
/// block_pool_max_size or the pool is bypassed). For tests and benchmarks.
std::size_t block_size_for(std::size_t size) noexcept;

/// Blocks free in the calling thread's list for `size`'s class. For tests.
std::size_t cached_blocks(std::size_t size) noexcept;

/// True if the pool is in use (false in AddressSanitizer builds of the library).
bool block_pool_enabled() noexcept;

}  // namespace braid::futures::detail
