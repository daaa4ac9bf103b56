#include "braid/multiprocessing/queue.hpp"

#include <cstring>

#include "braid/futures/errors.hpp"

namespace braid::multiprocessing::detail {
namespace {

char* ring(queue_state* s) {
  return reinterpret_cast<char*>(s + 1);
}

void copy_in(queue_state* s, std::size_t at, const char* p, std::size_t n) {
  at %= s->capacity;
  const std::size_t first = std::min(n, s->capacity - at);
  std::memcpy(ring(s) + at, p, first);
  std::memcpy(ring(s), p + first, n - first);
}

void copy_out(queue_state* s, std::size_t at, char* p, std::size_t n) {
  at %= s->capacity;
  const std::size_t first = std::min(n, s->capacity - at);
  std::memcpy(p, ring(s) + at, first);
  std::memcpy(p + first, ring(s), n - first);
}

}  // namespace

queue_state::queue_state(std::size_t cap, std::size_t max) : capacity(cap), maxsize(max) {
  init_mutex(&m, false);
  init_cond(&not_empty);
  init_cond(&not_full);
  init_cond(&all_done);
}

queue_core::queue_core(std::size_t maxsize, std::size_t capacity) {
  create(capacity, capacity, maxsize);
}

bool queue_core::put(std::string_view bytes, bool block, deadline_type deadline) {
  const std::uint64_t size = bytes.size();
  const std::size_t need = sizeof size + bytes.size();
  if (need > state_->capacity) {
    throw transfer_error("queue::put: an item of " + std::to_string(bytes.size()) +
                         " bytes does not fit the queue's capacity of " +
                         std::to_string(state_->capacity) + " bytes");
  }
  queue_state* s = state_;
  mutex_guard g(&s->m);
  auto full = [&] {
    return s->capacity - s->used < need || (s->maxsize != 0 && s->count >= s->maxsize);
  };
  while (full()) {
    if (!block || !wait_cond(&s->not_full, &s->m, deadline)) {
      if (full()) return false;
    }
  }
  const std::size_t tail = s->head + s->used;
  copy_in(s, tail, reinterpret_cast<const char*>(&size), sizeof size);
  copy_in(s, tail + sizeof size, bytes.data(), bytes.size());
  s->used += need;
  ++s->count;
  ++s->unfinished;
  ::pthread_cond_signal(&s->not_empty);
  return true;
}

std::optional<std::string> queue_core::get(bool block, deadline_type deadline) {
  queue_state* s = state_;
  mutex_guard g(&s->m);
  while (s->count == 0) {
    if (!block || !wait_cond(&s->not_empty, &s->m, deadline)) {
      if (s->count == 0) return std::nullopt;
    }
  }
  std::uint64_t size = 0;
  copy_out(s, s->head, reinterpret_cast<char*>(&size), sizeof size);
  std::string bytes(size, '\0');
  copy_out(s, s->head + sizeof size, bytes.data(), size);
  s->head = (s->head + sizeof size + size) % s->capacity;
  s->used -= sizeof size + size;
  --s->count;
  ::pthread_cond_broadcast(&s->not_full);  // items differ in size: let every putter re-check
  return bytes;
}

std::size_t queue_core::qsize() const {
  mutex_guard g(&state_->m);
  return state_->count;
}

void queue_core::task_done() {
  mutex_guard g(&state_->m);
  if (state_->unfinished == 0) {
    throw futures::invalid_state_error("task_done() called more times than items were put");
  }
  if (--state_->unfinished == 0) ::pthread_cond_broadcast(&state_->all_done);
}

bool queue_core::join(deadline_type deadline) {
  mutex_guard g(&state_->m);
  while (state_->unfinished != 0) {
    if (!wait_cond(&state_->all_done, &state_->m, deadline)) return state_->unfinished == 0;
  }
  return true;
}

}  // namespace braid::multiprocessing::detail
