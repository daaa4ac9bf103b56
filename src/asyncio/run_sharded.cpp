#include "braid/asyncio/run_sharded.hpp"

#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "braid/asyncio/errors.hpp"

namespace braid::asyncio::detail {
namespace {

// What the shards share: each running loop and its main task (so a failing shard can cancel
// the others), and the failures so far. A loop is listed only while it can take
// call_soon_threadsafe (from before its main task starts until before it closes).
struct shard_board {
  std::mutex mutex;
  std::vector<event_loop*> loops;
  std::vector<task_base*> mains;
  std::vector<std::exception_ptr> failures;
  bool failed = false;

  void cancel_others(std::size_t except) {  // mutex held
    for (std::size_t i = 0; i < loops.size(); ++i) {
      if (i == except || loops[i] == nullptr) continue;
      task_base* main = mains[i];
      try {
        loops[i]->call_soon_threadsafe([main] { main->cancel(); });
      } catch (...) {
        // Out of memory: that shard keeps running to its own end.
      }
    }
  }
  void cancel_if_failed(std::size_t self) {  // mutex held; a shard that starts after a failure
    if (failed) mains[self]->cancel();
  }
};

void run_shard(shard_board& board, std::size_t index,
               const std::function<task<void>(std::size_t)>& make, const run_options& options) {
  try {
    auto loop = make_run_loop(options);
    auto handle = loop->create_task(make(index), "shard-" + std::to_string(index));
    {
      std::lock_guard lock(board.mutex);
      board.loops[index] = loop.get();
      board.mains[index] = handle.base();
      board.cancel_if_failed(index);
    }
    detail::loop_access::run_until(*loop, &task_done, handle.base());
    loop->cancel_all_tasks();
    {
      std::lock_guard lock(board.mutex);
      board.loops[index] = nullptr;
      board.mains[index] = nullptr;
    }
    loop->close();
    if (handle.cancelled()) return;  // cancelled because another shard failed: not a failure
    std::move(handle).result();
  } catch (...) {
    std::lock_guard lock(board.mutex);
    board.failures.push_back(std::current_exception());
    if (!board.failed) {
      board.failed = true;
      board.cancel_others(index);
    }
  }
}

}  // namespace

void run_sharded(std::size_t shards, std::function<task<void>(std::size_t)> make,
                 const run_options& options) {
  if (shards == 0) throw invalid_state_error("run_sharded: shards must be at least 1");
  if (options.clock != nullptr && shards > 1) {
    throw invalid_state_error("run_sharded: a clock cannot be shared by several loops");
  }
  run_options shard_options = options;
  shard_options.handle_sigint = false;
  shard_board board;
  board.loops.assign(shards, nullptr);
  board.mains.assign(shards, nullptr);
  std::vector<std::thread> threads;
  threads.reserve(shards);
  try {
    for (std::size_t i = 0; i < shards; ++i) {
      threads.emplace_back(
          [&board, &make, &shard_options, i] { run_shard(board, i, make, shard_options); });
    }
  } catch (...) {
    {
      std::lock_guard lock(board.mutex);
      board.failed = true;
      board.cancel_others(shards);
    }
    for (auto& t : threads) t.join();
    throw;
  }
  for (auto& t : threads) t.join();
  if (!board.failures.empty()) {
    const std::size_t n = board.failures.size();
    throw exception_group(
        "run_sharded: " + std::to_string(n) + (n == 1 ? " shard" : " shards") + " failed",
        std::move(board.failures));
  }
}

}  // namespace braid::asyncio::detail
