#pragma once
// The signal handlers of one event loop (event_loop::add_signal_handler): a signalfd watched by
// the loop, the signals blocked in the loop's thread. Private to src/asyncio.

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <vector>

#include "braid/asyncio/detail/intrusive.hpp"

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

/// Loop-thread only. The operation's fd is the signalfd (-1 while no handler is installed): a
/// readiness wait on it is in flight whenever a handler is.
class signal_registry final : public io_operation {
 public:
  explicit signal_registry(event_loop& loop) noexcept;
  /// Removes every handler. Never throws.
  ~signal_registry();
  signal_registry(const signal_registry&) = delete;
  signal_registry& operator=(const signal_registry&) = delete;

  /// See event_loop::add_signal_handler.
  void add(int signo, std::function<void()> callback);
  /// See event_loop::remove_signal_handler. Never throws.
  bool remove(int signo) noexcept;
  /// The signalfd is readable: run the callbacks of what arrived, watch again.
  void run() noexcept override;

 private:
  struct entry {
    int signo = 0;
    std::shared_ptr<std::function<void()>> callback;  // shared: a callback may remove itself
    struct sigaction old {};
    bool was_blocked = false;  // the thread blocked it before add(): leave it blocked
  };
  entry* find(int signo) noexcept;
  /// Waits for the signalfd to become readable (run() is the completion).
  void watch() noexcept;
  void install(int signo, std::shared_ptr<std::function<void()>> callback);

  event_loop& loop_;
  std::vector<entry> entries_;
  sigset_t mask_;     // the signals of entries_, what the signalfd reads
  pid_t thread_ = 0;  // the thread that blocked them (the loop's)
};

}  // namespace braid::asyncio::detail
