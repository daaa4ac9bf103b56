// The Date header, formatted once per second per thread, and the sweeper that closes slow and
// idle connections: one timer per server instead of one per connection and read.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/sleep.hpp"
#include "server/connection.hpp"

namespace braid::http::detail {

std::string format_http_date(long long t) {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const ::time_t tt = static_cast<::time_t>(t);
  struct ::tm tm {};
  ::gmtime_r(&tt, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string_view http_date() noexcept {
  struct cache {
    long long second = -1;
    char text[40] = {};
    std::size_t size = 0;
  };
  thread_local cache c;
  struct ::timespec ts {};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  if (ts.tv_sec != c.second) {
    c.second = ts.tv_sec;
    try {
      const std::string s = format_http_date(ts.tv_sec);
      c.size = std::min(s.size(), sizeof c.text);
      std::copy_n(s.data(), c.size, c.text);
    } catch (...) {
      // keep the previous second's text
    }
  }
  return std::string_view(c.text, c.size);
}

asyncio::task<void> sweep_timeouts(std::weak_ptr<server_core> weak) {
  std::chrono::nanoseconds tick;
  {
    const auto core = weak.lock();
    if (!core) co_return;
    const auto& o = core->options;
    tick = std::min({o.request_head_timeout, o.keepalive_timeout, o.body_timeout}) / 4;
  }
  tick = std::clamp<std::chrono::nanoseconds>(tick, std::chrono::milliseconds(1),
                                              std::chrono::seconds(1));
  std::vector<server_connection*> expired;
  for (;;) {
    co_await asyncio::sleep(tick);
    const auto held = weak.lock();  // held while walking the list, dropped while sleeping
    if (!held) co_return;
    server_core& core = *held;
    const auto now = asyncio::event_loop::running().time();
    expired.clear();
    for (server_connection* c = core.first; c; c = c->next) {
      if (c->state != server_connection::phase::handling && c->deadline <= now)
        expired.push_back(c);
    }
    // Closing completes the connection's read as end of stream; its task then ends by itself.
    // A connection still closing a tick later (its peer reads nothing) is reset.
    for (server_connection* c : expired) {
      if (c->writer().is_closing())
        c->writer().abort();
      else
        c->writer().close();
    }
  }
}

void close_idle_connections(server_core& core) noexcept {
  for (server_connection* c = core.first; c; c = c->next) {
    if (c->state == server_connection::phase::idle || c->state == server_connection::phase::head) {
      c->writer().close();
    }
  }
}

}  // namespace braid::http::detail
