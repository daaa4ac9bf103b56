#include "braid/futures/detail/block_pool.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>

namespace braid::futures::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool pool_enabled = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool pool_enabled = false;
#else
constexpr bool pool_enabled = true;
#endif
#else
constexpr bool pool_enabled = true;
#endif

constexpr std::size_t granule = 16;  // alignof(std::max_align_t) on the supported targets
constexpr std::size_t min_block = 32;
constexpr std::size_t class_count = block_pool_max_size / granule;
constexpr std::size_t slab_bytes = 64 * 1024;
constexpr std::size_t cache_bytes = 256 * 1024;  // kept free per thread and class, at most

static_assert(alignof(std::max_align_t) <= granule);
static_assert(block_pool_max_size % granule == 0);

/// A free block. Only the head of a batch in the depot uses more than `next`.
struct free_block {
  free_block* next;
  free_block* next_batch;
  std::size_t count;
};
static_assert(sizeof(free_block) <= min_block);

std::size_t class_index(std::size_t size) noexcept {
  return (std::max(size, min_block) + granule - 1) / granule - 1;
}
std::size_t class_size(std::size_t index) noexcept {
  return (index + 1) * granule;
}
std::size_t class_limit(std::size_t index) noexcept {
  return std::max<std::size_t>(32, cache_bytes / class_size(index));
}

/// One size class of one thread. `limit` is zero until the thread registered its exit hook and
/// again after it ran, which sends every free to the slow path.
struct class_cache {
  free_block* head;
  std::size_t count;
  std::size_t limit;
  char* bump;  // the uncarved rest of the current slab
  char* bump_end;
};

struct thread_cache {
  class_cache classes[class_count];
  bool registered;
  bool exited;
};

// Zero-initialised and trivially destructible: usable from other thread_local destructors, even
// after this thread's exit hook ran.
constinit thread_local thread_cache tls_cache{};

/// Batches of free blocks that threads gave up, per class. Never destroyed: threads may exit
/// after static destruction.
struct depot {
  std::mutex mutex;
  free_block* batches[class_count] = {};

  static depot& get() {
    static depot* d = new depot;
    return *d;
  }
  void push(std::size_t index, free_block* head, std::size_t count) noexcept {
    head->count = count;
    std::lock_guard lock(mutex);
    head->next_batch = batches[index];
    batches[index] = head;
  }
  free_block* pop(std::size_t index) noexcept {
    std::lock_guard lock(mutex);
    free_block* b = batches[index];
    if (b) batches[index] = b->next_batch;
    return b;
  }
};

/// Hands everything the thread holds to the depot when it exits.
void release_thread_cache() noexcept {
  thread_cache& t = tls_cache;
  t.exited = true;
  for (std::size_t i = 0; i < class_count; ++i) {
    class_cache& c = t.classes[i];
    const std::size_t bs = class_size(i);
    for (; c.bump && c.bump + bs <= c.bump_end; c.bump += bs) {  // the uncarved slab rest
      auto* b = reinterpret_cast<free_block*>(c.bump);
      b->next = c.head;
      c.head = b;
      ++c.count;
    }
    if (c.head) depot::get().push(i, c.head, c.count);
    c = class_cache{};  // limit 0: later frees go straight to the depot
  }
}

struct exit_hook {
  ~exit_hook() { release_thread_cache(); }
};

void register_thread(thread_cache& t) {
  thread_local exit_hook hook;
  (void)hook;
  t.registered = true;
  for (std::size_t i = 0; i < class_count; ++i) t.classes[i].limit = class_limit(i);
}

[[gnu::noinline]] void* refill(std::size_t index) {
  thread_cache& t = tls_cache;
  const std::size_t bs = class_size(index);
  if (t.exited) return ::operator new(bs);  // a block like any other once freed
  if (!t.registered) register_thread(t);
  class_cache& c = t.classes[index];
  if (free_block* batch = depot::get().pop(index)) {
    c.head = batch->next;
    c.count = batch->count - 1;
    return batch;
  }
  if (!c.bump || c.bump + bs > c.bump_end) {
    c.bump = static_cast<char*>(::operator new(slab_bytes));
    c.bump_end = c.bump + slab_bytes;
  }
  void* p = c.bump;
  c.bump += bs;
  return p;
}

/// The class holds more than its limit (or the thread is not registered, or has exited).
[[gnu::noinline]] void overflow(std::size_t index) noexcept {
  thread_cache& t = tls_cache;
  class_cache& c = t.classes[index];
  if (t.exited) {  // only the block just freed is here
    free_block* b = c.head;
    c = class_cache{};
    depot::get().push(index, b, 1);
    return;
  }
  if (!t.registered) {
    try {
      register_thread(t);
    } catch (...) {  // cannot register the exit hook: keep the block, it just stays here
    }
    if (c.count <= c.limit) return;
  }
  const std::size_t n = c.count / 2;  // give half back, keep half for the next allocations
  free_block* head = c.head;
  free_block* last = head;
  for (std::size_t i = 1; i < n; ++i) last = last->next;
  c.head = last->next;
  c.count -= n;
  last->next = nullptr;
  depot::get().push(index, head, n);
}

}  // namespace

void* block_allocate(std::size_t size) {
  if (!pool_enabled || size > block_pool_max_size) return ::operator new(size);
  const std::size_t index = class_index(size);
  class_cache& c = tls_cache.classes[index];
  if (free_block* b = c.head) {
    c.head = b->next;
    --c.count;
    return b;
  }
  return refill(index);
}

void block_deallocate(void* p, std::size_t size) noexcept {
  if (!pool_enabled || size > block_pool_max_size) {
    ::operator delete(p);  // unsized: clang 14 declares the sized one only with
    return;                // -fsized-deallocation
  }
  const std::size_t index = class_index(size);
  class_cache& c = tls_cache.classes[index];
  auto* b = static_cast<free_block*>(p);
  b->next = c.head;
  c.head = b;
  if (++c.count > c.limit) overflow(index);
}

std::size_t block_size_for(std::size_t size) noexcept {
  if (!pool_enabled || size > block_pool_max_size) return 0;
  return class_size(class_index(size));
}

std::size_t cached_blocks(std::size_t size) noexcept {
  if (!pool_enabled || size > block_pool_max_size) return 0;
  return tls_cache.classes[class_index(size)].count;
}

bool block_pool_enabled() noexcept {
  return pool_enabled;
}

}  // namespace braid::futures::detail
