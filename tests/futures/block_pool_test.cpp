#include "braid/futures/detail/block_pool.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace braid::futures {
namespace {

using detail::block_allocate;
using detail::block_deallocate;
using detail::block_pool_enabled;
using detail::block_size_for;
using detail::cached_blocks;

TEST(BlockPool, BlocksAreAlignedAndWritable) {
  for (std::size_t size : {1u, 8u, 24u, 100u, 500u, 1024u, 1025u, 5000u}) {
    void* p = block_allocate(size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t), 0u) << size;
    std::memset(p, 0xab, size);
    block_deallocate(p, size);
  }
}

TEST(BlockPool, SizeClassesAreSixteenBytesFromThirtyTwo) {
  if (!block_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  EXPECT_EQ(block_size_for(1), 32u);
  EXPECT_EQ(block_size_for(32), 32u);
  EXPECT_EQ(block_size_for(33), 48u);
  EXPECT_EQ(block_size_for(120), 128u);
  EXPECT_EQ(block_size_for(1000), 1008u);
  EXPECT_EQ(block_size_for(1024), 1024u);
}

TEST(BlockPool, LargeSizesFallBackToOperatorNew) {
  EXPECT_EQ(block_size_for(1025), 0u);
  EXPECT_EQ(cached_blocks(4096), 0u);
  void* p = block_allocate(4096);
  block_deallocate(p, 4096);
  EXPECT_EQ(cached_blocks(4096), 0u);
}

TEST(BlockPool, FreedBlocksAreReusedLastInFirstOut) {
  if (!block_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  void* a = block_allocate(200);
  void* b = block_allocate(200);
  EXPECT_NE(a, b);
  const std::size_t cached = cached_blocks(200);
  block_deallocate(a, 200);
  block_deallocate(b, 200);
  EXPECT_EQ(cached_blocks(200), cached + 2);
  EXPECT_EQ(block_allocate(200), b);
  EXPECT_EQ(block_allocate(200), a);  // 193..208 bytes share one class
  EXPECT_EQ(cached_blocks(200), cached);
  block_deallocate(a, 200);
  block_deallocate(b, 200);
}

TEST(BlockPool, SizesInOneClassShareBlocksOthersDoNot) {
  if (!block_pool_enabled()) GTEST_SKIP() << "the pool is bypassed under AddressSanitizer";
  void* a = block_allocate(300);
  block_deallocate(a, 300);
  void* same = block_allocate(305);  // 289..304 is one class, so 305 is the next
  EXPECT_NE(same, a);
  void* b = block_allocate(290);
  EXPECT_EQ(b, a);
  block_deallocate(same, 305);
  block_deallocate(b, 290);
}

TEST(BlockPool, ManyBlocksAreDistinct) {
  std::vector<void*> blocks;
  std::set<void*> seen;
  for (int i = 0; i < 20000; ++i) {  // several slabs, and more than one thread keeps cached
    void* p = block_allocate(64);
    std::memset(p, i & 0xff, 64);
    EXPECT_TRUE(seen.insert(p).second);
    blocks.push_back(p);
  }
  for (void* p : blocks) block_deallocate(p, 64);
  if (block_pool_enabled()) {
    EXPECT_LE(cached_blocks(64), 256u * 1024 / 64);
  }
}

TEST(BlockPool, BlocksFreedOnAnotherThreadJoinThatThreadsList) {
  constexpr int n = 1000;
  std::vector<void*> blocks;
  for (int i = 0; i < n; ++i) blocks.push_back(block_allocate(96));
  std::size_t cached_there = 0;
  void* reused = nullptr;
  std::thread t([&] {
    for (void* p : blocks) block_deallocate(p, 96);
    cached_there = cached_blocks(96);
    reused = block_allocate(96);
    block_deallocate(reused, 96);
  });
  t.join();
  if (block_pool_enabled()) {
    EXPECT_EQ(cached_there, static_cast<std::size_t>(n));
    EXPECT_EQ(reused, blocks.back());
  }
}

TEST(BlockPool, ProducerConsumerThreadsDoNotGrowWithoutBound) {
  // One thread allocates, another frees: the freeing thread's surplus goes back through the
  // depot, so the allocating thread keeps reusing the same blocks.
  constexpr int rounds = 50;
  constexpr int per_round = 2000;
  std::set<void*> distinct;
  for (int r = 0; r < rounds; ++r) {
    std::vector<void*> blocks;
    for (int i = 0; i < per_round; ++i) blocks.push_back(block_allocate(512));
    distinct.insert(blocks.begin(), blocks.end());
    std::thread t([&] {
      for (void* p : blocks) block_deallocate(p, 512);
    });
    t.join();
  }
  if (block_pool_enabled()) {
    EXPECT_LT(distinct.size(), 4u * per_round);
  }
}

}  // namespace
}  // namespace braid::futures
