// wait_readable / wait_writable on a socketpair (no network).
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

struct socket_pair {
  int fds[2] = {-1, -1};
  socket_pair() {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
  }
  ~socket_pair() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
};

task<std::string> read_some(int fd) {
  co_await wait_readable(fd);
  char buf[64];
  const auto n = ::read(fd, buf, sizeof buf);
  co_return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

task<void> write_later(int fd, std::string text) {
  co_await sleep(5ms);
  co_await wait_writable(fd);
  EXPECT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

task<void> read_write_main(int r, int w) {
  auto reader = create_task(read_some(r));
  auto writer = create_task(write_later(w, "hello"));
  co_await sleep(1ms);
  EXPECT_EQ(event_loop::running().statistics().io_waits, 1u);
  co_await writer;
  auto got = co_await reader;
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(event_loop::running().statistics().io_waits, 0u);
}

TEST(FdWait, ReadableWhenThePeerWrites) {
  socket_pair sp;
  virtual_clock clock;
  run(read_write_main(sp.fds[0], sp.fds[1]), {.clock = &clock, .handle_sigint = false});
}

task<void> cancel_main(int r, int w) {
  auto reader = create_task(read_some(r));
  co_await sleep(1ms);
  reader.cancel();
  bool cancelled = false;
  try {
    co_await reader;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(event_loop::running().statistics().io_waits, 0u);
  // The interest is gone from the backend: the fd can be waited on again.
  EXPECT_EQ(::write(w, "x", 1), 1);
  auto again = co_await read_some(r);
  EXPECT_EQ(again, "x");
}

TEST(FdWait, CancellingRemovesTheInterest) {
  socket_pair sp;
  virtual_clock clock;
  run(cancel_main(sp.fds[0], sp.fds[1]), {.clock = &clock, .handle_sigint = false});
}

task<void> cancelled_before_waiting(int fd, bool& cancelled) {
  current_task().cancel();
  try {
    co_await wait_readable(fd);
  } catch (const cancelled_error&) {
    cancelled = true;
  }
}

TEST(FdWait, PendingCancellationRegistersNothing) {
  socket_pair sp;
  bool cancelled = false;
  event_loop loop;
  loop.run_until_complete(cancelled_before_waiting(sp.fds[0], cancelled));
  EXPECT_TRUE(cancelled);
  EXPECT_EQ(loop.statistics().io_waits, 0u);
}

// Full duplex: a reader and a writer wait on one socket at once, and a second reader may wait
// too (this threw "another task already waits" before the backend had a queue per direction).
// Readiness wakes every reader waiting at the time; the first one to read takes the byte.
task<void> fill(int fd) {
  const std::string chunk(4096, 'z');
  while (::write(fd, chunk.data(), chunk.size()) > 0) {
  }
  EXPECT_EQ(errno, EAGAIN);
  co_await wait_writable(fd);
}

task<void> wait_readable_task(int fd) {
  co_await wait_readable(fd);
}

task<void> duplex_main(int a, int b) {
  auto reader = create_task(read_some(a));
  auto second_reader = create_task(wait_readable_task(a));
  auto writer = create_task(fill(a));  // a's send buffer full: waits for writability
  co_await sleep(0s);
  co_await sleep(0s);
  EXPECT_EQ(event_loop::running().statistics().io_waits, 3u);
  EXPECT_FALSE(reader.done());
  EXPECT_FALSE(writer.done());
  EXPECT_EQ(::write(b, "x", 1), 1);  // wakes the readers, not the writer
  const std::string got = co_await reader;
  EXPECT_EQ(got, "x");
  co_await second_reader;
  EXPECT_FALSE(writer.done());
  std::vector<char> buf(1 << 20);
  while (::read(b, buf.data(), buf.size()) > 0) {  // drain: now a is writable
  }
  co_await writer;
  EXPECT_EQ(event_loop::running().statistics().io_waits, 0u);
}

TEST(FdWait, AReaderAndAWriterWaitOnOneSocketAtOnce) {
  socket_pair sp;
  run(duplex_main(sp.fds[0], sp.fds[1]));
}

task<std::size_t> fill_then_wait(int w) {
  std::size_t written = 0;
  const std::string chunk(4096, 'z');
  for (;;) {
    const auto n = ::write(w, chunk.data(), chunk.size());
    if (n < 0) break;  // EAGAIN: the buffer is full
    written += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(errno, EAGAIN);
  co_await wait_writable(w);  // until the reader drains some
  co_return written;
}

task<void> writable_main(int r, int w) {
  auto writer = create_task(fill_then_wait(w));
  co_await sleep(0s);
  co_await sleep(0s);
  EXPECT_FALSE(writer.done());
  std::vector<char> buf(1 << 16);
  std::size_t drained = 0;
  while (!writer.done()) {
    const auto n = ::read(r, buf.data(), buf.size());
    if (n > 0) drained += static_cast<std::size_t>(n);
    co_await sleep(0s);
  }
  const std::size_t written = co_await writer;
  EXPECT_GT(written, 0u);
  EXPECT_GT(drained, 0u);
}

TEST(FdWait, WritableAgainOnceThePeerReads) {
  socket_pair sp;
  run(writable_main(sp.fds[0], sp.fds[1]));
}

// Regression: epoll keys a registration on the fd *and* its open file description, and closing
// one fd of a file that a dup keeps open does not remove it. A wait cancelled after its fd was
// closed could not deregister (EPOLL_CTL_DEL on a closed fd fails), so the registration stayed
// armed with a pointer to the freed wait: data arriving later delivered an event to freed
// memory (ASan: heap-use-after-free), and a new fd with the same number for the same file could
// not be watched (EEXIST, reported as "another task already waits").
task<void> wait_or_log(int fd, std::vector<std::string>& log) {
  try {
    co_await wait_readable(fd);
    log.push_back("ready");
  } catch (const cancelled_error&) {
    log.push_back("cancelled");
    throw;
  }
}

task<void> closed_while_watched_main(int r, int w, int other_r, int other_w,
                                     std::vector<std::string>& log) {
  const int keep = ::dup(r);  // keeps r's open file description alive
  EXPECT_GE(keep, 0);
  auto waiter = create_task(wait_or_log(r, log));
  co_await sleep(0s);        // waiting on r
  EXPECT_EQ(::close(r), 0);  // the user closes the watched fd while a dup lives
  waiter.cancel();
  try {
    co_await waiter;
  } catch (const cancelled_error&) {
  }
  // The wait is gone. Make the file readable, and poll through another wait: the stale
  // registration must not deliver anything.
  EXPECT_EQ(::write(w, "x", 1), 1);
  EXPECT_EQ(::write(other_w, "y", 1), 1);
  co_await wait_readable(other_r);
  // The number is free again; a dup of the same file gets it and can be waited on.
  const int again = ::dup(keep);
  EXPECT_EQ(again, r);
  co_await wait_readable(again);
  log.push_back("again ready");
  ::close(again);
  ::close(keep);
}

TEST(FdWait, WatchedFdClosedWhileADupLivesLeavesNoStaleRegistration) {
  socket_pair sp;
  socket_pair other;
  virtual_clock clock;
  std::vector<std::string> log;
  const int r = sp.fds[0];
  sp.fds[0] = ::dup(sp.fds[1]);  // the test closes r itself; keep the destructor's close valid
  run(closed_while_watched_main(r, sp.fds[1], other.fds[0], other.fds[1], log),
      {.clock = &clock, .handle_sigint = false});
  EXPECT_EQ(log, (std::vector<std::string>{"cancelled", "again ready"}));
}

}  // namespace
}  // namespace braid::asyncio
