#include "braid/asyncio/detail/frame_allocator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using detail::frame_allocate;
using detail::frame_block_size;
using detail::frame_cached_blocks;
using detail::frame_deallocate;
using detail::frame_pool_enabled;

TEST(FrameAllocator, BlocksAreAlignedAndWritable) {
  for (std::size_t size : {1u, 8u, 24u, 100u, 500u, 1024u, 1025u, 5000u}) {
    void* p = frame_allocate(size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t), 0u) << size;
    std::memset(p, 0xab, size);
    frame_deallocate(p, size);
  }
}

TEST(FrameAllocator, SizeClassesAreSixteenBytesFromThirtyTwo) {
  if (!frame_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  EXPECT_EQ(frame_block_size(1), 32u);
  EXPECT_EQ(frame_block_size(32), 32u);
  EXPECT_EQ(frame_block_size(33), 48u);
  EXPECT_EQ(frame_block_size(120), 128u);
  EXPECT_EQ(frame_block_size(1000), 1008u);
  EXPECT_EQ(frame_block_size(1024), 1024u);
}

TEST(FrameAllocator, LargeSizesFallBackToOperatorNew) {
  EXPECT_EQ(frame_block_size(1025), 0u);
  EXPECT_EQ(frame_cached_blocks(4096), 0u);
  void* p = frame_allocate(4096);
  frame_deallocate(p, 4096);
  EXPECT_EQ(frame_cached_blocks(4096), 0u);
}

TEST(FrameAllocator, FreedBlocksAreReusedLastInFirstOut) {
  if (!frame_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  void* a = frame_allocate(200);
  void* b = frame_allocate(200);
  EXPECT_NE(a, b);
  const std::size_t cached = frame_cached_blocks(200);
  frame_deallocate(a, 200);
  frame_deallocate(b, 200);
  EXPECT_EQ(frame_cached_blocks(200), cached + 2);
  EXPECT_EQ(frame_allocate(200), b);
  EXPECT_EQ(frame_allocate(200), a);  // 193..208 bytes share one class
  EXPECT_EQ(frame_cached_blocks(200), cached);
  frame_deallocate(a, 200);
  frame_deallocate(b, 200);
}

TEST(FrameAllocator, SizesInOneClassShareBlocksOthersDoNot) {
  if (!frame_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  void* a = frame_allocate(300);
  frame_deallocate(a, 300);
  void* same = frame_allocate(305);  // 289..304 is one class, so 305 is the next
  EXPECT_NE(same, a);
  void* b = frame_allocate(290);
  EXPECT_EQ(b, a);
  frame_deallocate(same, 305);
  frame_deallocate(b, 290);
}

TEST(FrameAllocator, ManyBlocksAreDistinct) {
  std::vector<void*> blocks;
  std::set<void*> seen;
  for (int i = 0; i < 20000; ++i) {  // several slabs, and more than one thread keeps cached
    void* p = frame_allocate(64);
    std::memset(p, i & 0xff, 64);
    EXPECT_TRUE(seen.insert(p).second);
    blocks.push_back(p);
  }
  for (void* p : blocks) frame_deallocate(p, 64);
  if (frame_pool_enabled()) {
    EXPECT_LE(frame_cached_blocks(64), 256u * 1024 / 64);
  }
}

TEST(FrameAllocator, BlocksFreedOnAnotherThreadJoinThatThreadsList) {
  constexpr int n = 1000;
  std::vector<void*> blocks;
  for (int i = 0; i < n; ++i) blocks.push_back(frame_allocate(96));
  std::size_t cached_there = 0;
  void* reused = nullptr;
  std::thread t([&] {
    for (void* p : blocks) frame_deallocate(p, 96);
    cached_there = frame_cached_blocks(96);
    reused = frame_allocate(96);
    frame_deallocate(reused, 96);
  });
  t.join();
  if (frame_pool_enabled()) {
    EXPECT_EQ(cached_there, static_cast<std::size_t>(n));
    EXPECT_EQ(reused, blocks.back());
  }
}

TEST(FrameAllocator, ProducerConsumerThreadsDoNotGrowWithoutBound) {
  // One thread allocates, another frees: the freeing thread's surplus goes back through the
  // depot, so the allocating thread keeps reusing the same blocks.
  constexpr int rounds = 50;
  constexpr int per_round = 2000;
  std::set<void*> distinct;
  for (int r = 0; r < rounds; ++r) {
    std::vector<void*> blocks;
    for (int i = 0; i < per_round; ++i) blocks.push_back(frame_allocate(512));
    distinct.insert(blocks.begin(), blocks.end());
    std::thread t([&] {
      for (void* p : blocks) frame_deallocate(p, 512);
    });
    t.join();
  }
  if (frame_pool_enabled()) {
    EXPECT_LT(distinct.size(), 4u * per_round);
  }
}

task<int> leaf(int v) {
  co_return v;
}

task<int> sum_of_tasks(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    auto h = create_task(leaf(i));
    sum += co_await h;
  }
  co_return sum;
}

TEST(FrameAllocator, TasksRunOnPooledFramesOnSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<int> sums(2);
  for (int k = 0; k < 2; ++k) {
    threads.emplace_back(
        [&sums, k] { sums[k] = run(sum_of_tasks(10000), {.handle_sigint = false}); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(sums[0], 10000 * 9999 / 2);
  EXPECT_EQ(sums[1], 10000 * 9999 / 2);
}

}  // namespace
}  // namespace braid::asyncio
