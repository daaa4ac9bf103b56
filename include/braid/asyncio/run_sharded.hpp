#pragma once
/// \file
/// braid::asyncio::run_sharded: one event loop per thread on N threads (shard per core), for
/// servers whose connections are spread over the shards (each accepting with SO_REUSEPORT, say).
/// Python has no equivalent: it runs one loop per process.

#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

#include "braid/asyncio/run.hpp"
#include "braid/asyncio/task.hpp"

namespace braid::asyncio {

namespace detail {
void run_sharded(std::size_t shards, std::function<task<void>(std::size_t)> make,
                 const run_options& options);
}

/// Starts `shards` threads; thread i creates its own event loop and runs `fn(i)` as its main
/// task, exactly as run() would (then cancels what is left and closes its loop). Returns when
/// every shard has finished. Shards share nothing unless `fn` makes them: hand work across with
/// run_coroutine_threadsafe or call_soon_threadsafe.
///
/// `fn` is called on the shard's thread and outlives every shard, so a coroutine lambda may use
/// its captures (they live in `fn`, which run_sharded keeps). `options` apply to every loop
/// (one virtual clock may not be shared: leave `clock` null); SIGINT is not handled by the shards.
///
/// Errors: if a shard's main task fails, every other shard's main task is cancelled
/// (cancelled_error at its next suspension point); once all have finished, run_sharded throws an
/// exception_group holding every failure, in the order they happened (cancellations are not
/// failures). Throws invalid_state_error if `shards` is 0 or a clock is given for more than one
/// shard; what starting a thread throws.
template <class F>
requires std::is_invocable_r_v<task<void>, F&, std::size_t> void run_sharded(
    std::size_t shards, F fn, run_options options = {}) {
  detail::run_sharded(shards, std::function<task<void>(std::size_t)>(std::move(fn)), options);
}

}  // namespace braid::asyncio
