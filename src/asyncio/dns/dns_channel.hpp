#pragma once
// One c-ares channel driven by an event loop: its sockets are watched by one driver task per
// descriptor (waiting for write when c-ares wants to write, else for read, so a descriptor never
// has two waiters), its retry timeouts by one timer task that runs only while queries are
// outstanding. Private to src/asyncio; loop-thread only.

#include <coroutine>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "braid/asyncio/detail/task_base.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "dns/dns_cache.hpp"

struct ares_channeldata;
struct ares_addrinfo;

namespace braid::asyncio {
class event_loop;
}

namespace braid::asyncio::detail {

/// The settings a channel is made with; lookups with equal settings share a channel.
struct dns_channel_config {
  std::vector<std::string> servers;
  std::optional<std::vector<std::string>> search_domains;
  int timeout_ms = 0;
  int tries = 0;
  friend bool operator==(const dns_channel_config&, const dns_channel_config&) = default;
};

class dns_channel;
class dns_lookup_operation;

/// The argument c-ares hands back to the lookup's callback. Lives until that callback, which
/// c-ares always makes (with ARES_ECANCELLED or ARES_EDESTRUCTION at the latest).
struct dns_query_record {
  dns_channel* channel;
  dns_lookup_operation* op;  // null once the awaiting task gave up
};

/// The awaitable of one lookup: starts ares_getaddrinfo, suspends until its callback.
class dns_lookup_operation final : public waiter {
 public:
  dns_lookup_operation(dns_channel& ch, std::string name, int family) noexcept
      : channel_(&ch), name_(std::move(name)), family_(family) {}
  dns_lookup_operation(const dns_lookup_operation&) = delete;
  ~dns_lookup_operation();
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h);
  /// Throws cancelled_error if the wait was cancelled.
  void await_resume();
  bool cancel() noexcept override;

  /// The outcome, after the await: the c-ares status, the answer, the shortest TTL (seconds).
  int status() const noexcept { return status_; }
  dns_answer& answer() noexcept { return answer_; }
  int ttl() const noexcept { return ttl_; }

  /// From the c-ares callback. Never throws (an answer that cannot be copied becomes
  /// ARES_ENOMEM).
  void complete(int status, const ares_addrinfo* res) noexcept;

 private:
  dns_channel* channel_;
  std::string name_;
  int family_;
  task_base* task_ = nullptr;
  dns_query_record* record_ = nullptr;  // set while c-ares has the query
  bool suspended_ = false;
  bool done_ = false;
  bool cancelled_ = false;
  int status_ = 0;
  int ttl_ = 0;
  dns_answer answer_;
};

class dns_channel {
 public:
  /// Throws dns_error if c-ares refuses the settings (a malformed server string...),
  /// std::bad_alloc.
  dns_channel(event_loop& loop, const dns_channel_config& config);
  /// Ends every query (their callbacks free their records) and closes the sockets. The loop's
  /// tasks must all have finished (the loop destroys its services after cancelling them).
  ~dns_channel();
  dns_channel(const dns_channel&) = delete;
  dns_channel& operator=(const dns_channel&) = delete;

  const dns_channel_config& config() const noexcept { return config_; }
  dns_cache& cache() noexcept { return cache_; }
  event_loop& loop() const noexcept { return *loop_; }

  /// Starts a lookup for `record` (ares_getaddrinfo; its callback may run before this returns).
  /// Throws std::bad_alloc, what starting the timer task throws (nothing started then).
  void start(const std::string& name, int family, dns_query_record& record);
  /// A waiting lookup gave up (its record stays with c-ares, its callback will free it).
  void abandon() noexcept { --live_; }
  /// Ends c-ares's queries when nobody waits for any of them: their sockets close at once
  /// instead of at their timeout. Never throws.
  void reap_abandoned() noexcept;

 private:
  struct fd_driver {
    int fd;
    bool read;
    bool write;
    bool stopped = false;
    bool waiting = false;  // suspended in a wait (in the direction of waiting_write)
    bool waiting_write = false;
    task_handle<void> task;
  };
  static void on_sock_state(void* self, int fd, int readable, int writable) noexcept;
  static void on_addrinfo(void* arg, int status, int timeouts, ares_addrinfo* res) noexcept;
  void sock_state(int fd, bool read, bool write) noexcept;
  void start_driver(int fd, bool read, bool write) noexcept;
  static void stop_driver(fd_driver& d) noexcept;
  void finished_one() noexcept;
  static task<void> drive_fd(dns_channel* self, std::shared_ptr<fd_driver> d);
  static task<void> drive_timeouts(dns_channel* self, unsigned generation);

  event_loop* loop_;
  dns_channel_config config_;
  ares_channeldata* ares_ = nullptr;
  dns_cache cache_{1024};
  std::unordered_map<int, std::shared_ptr<fd_driver>> drivers_;
  task_handle<void> timer_;
  unsigned timer_generation_ = 0;
  std::size_t outstanding_ = 0;  // lookups c-ares has not called back yet
  std::size_t live_ = 0;         // of those, the ones a task still waits for
  bool destroying_ = false;
  friend class dns_lookup_operation;
};

}  // namespace braid::asyncio::detail
