// TCP and Unix streams over loopback: echo, half-close, framing errors, resets, back-pressure,
// Happy Eyeballs, cancellation without leaks, graceful shutdown. Every case runs on both
// backends (the io_uring/ copies).
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "net_test_support.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;
using test::open_fd_count;

task<void> echo_handler(stream_reader r, stream_writer w) {
  for (;;) {
    std::string line = co_await r.read_line();
    if (line.empty()) break;
    w.write(line);
    co_await w.drain();
  }
}

task<void> echo_round_trip_main() {
  server srv = co_await start_server(echo_handler, "127.0.0.1", 0);
  const auto port = srv.addresses().at(0).port();
  EXPECT_NE(port, 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", port);
  EXPECT_EQ(writer.peer_address().port(), port);
  for (int i = 0; i < 100; ++i) {
    const std::string msg = "line " + std::to_string(i) + "\n";
    writer.write(msg);
    std::string back = co_await reader.read_line();
    EXPECT_EQ(back, msg);
  }
  writer.close();
  co_await writer.wait_closed();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, EchoRoundTripsOverTcp) {
  test::run_checking_descriptors(echo_round_trip_main());
}

task<void> unix_main(std::string path) {
  server srv = co_await start_unix_server(echo_handler, path);
  auto [reader, writer] = co_await open_unix_connection(path);
  writer.write("over a unix socket\n");
  std::string back = co_await reader.read_line();
  EXPECT_EQ(back, "over a unix socket\n");
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, EchoOverAUnixSocket) {
  const std::string path = std::string("\0braid-streams-test-", 20) + std::to_string(::getpid());
  test::run_checking_descriptors(unix_main(path));
}

// The client half-closes; the server reads to the end, then answers on the still-open half.
task<void> count_then_answer(stream_reader r, stream_writer w) {
  std::string all = co_await r.read();
  EXPECT_TRUE(r.at_eof());
  w.write(std::to_string(all.size()));
}

task<void> half_close_main() {
  server srv = co_await start_server(count_then_answer, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  writer.write(std::string(100000, 'a'));
  writer.write_eof();
  std::string answer = co_await reader.read();
  EXPECT_EQ(answer, "100000");
  std::string after = co_await reader.read();
  EXPECT_EQ(after, "");
  EXPECT_TRUE(reader.at_eof());
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, HalfCloseLetsThePeerAnswer) {
  run(half_close_main());
}

task<void> send_and_close(stream_reader, stream_writer w) {
  w.write("abc");
  co_return;  // the connection closes after the buffer is sent
}

task<void> incomplete_main() {
  server srv = co_await start_server(send_and_close, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  bool threw = false;
  try {
    co_await reader.read_exactly(10);
  } catch (const incomplete_read_error& e) {
    threw = true;
    EXPECT_EQ(e.partial(), "abc");
    EXPECT_EQ(e.expected(), 10u);
  }
  EXPECT_TRUE(threw);
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, ReadExactlyAtEndOfStreamGivesThePartialBytes) {
  run(incomplete_main());
}

task<void> long_line(stream_reader, stream_writer w) {
  w.write(std::string(100 * 1024, 'x'));
  w.write("\n");
  co_await w.drain();
}

task<void> overrun_main() {
  server srv = co_await start_server(long_line, "127.0.0.1", 0);
  const connect_options small_limit{.limit = 1024};  // not braced inside co_await (g++ 12)
  auto [reader, writer] =
      co_await open_connection("127.0.0.1", srv.addresses()[0].port(), small_limit);
  bool threw = false;
  try {
    co_await reader.read_line();
  } catch (const limit_overrun_error& e) {
    threw = true;
    EXPECT_GT(e.consumed(), 1024u);
  }
  EXPECT_TRUE(threw);
  EXPECT_GT(reader.buffered(), 1024u);  // left in the buffer, as Python leaves it
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, AnOverLongLineIsALimitOverrun) {
  run(overrun_main());
}

task<void> refused_main(std::uint16_t port) {
  bool threw = false;
  try {
    co_await open_connection("127.0.0.1", port);
  } catch (const connection_refused_error& e) {
    threw = true;
    EXPECT_EQ(e.code().value(), ECONNREFUSED);
    EXPECT_EQ(e.address().port(), port);
  }
  EXPECT_TRUE(threw);
}

TEST(Streams, ConnectionRefusedIsTyped) {
  test::refusing_port p;
  test::run_checking_descriptors(refused_main(p.port()));
}

// "localhost" is ::1 first: with the server on 127.0.0.1 only, the IPv6 attempt fails and
// Happy Eyeballs falls through to IPv4 without waiting for the stagger delay.
task<void> fall_through_main() {
  server srv = co_await start_server(echo_handler, "127.0.0.1", 0);
  const connect_options patient{.happy_eyeballs_delay = 1h};
  auto [reader, writer] = co_await open_connection("localhost", srv.addresses()[0].port(), patient);
  EXPECT_EQ(writer.peer_address().family(), address_family::ipv4);
  writer.write("hi\n");
  std::string back = co_await reader.read_line();
  EXPECT_EQ(back, "hi\n");
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, HappyEyeballsFallsThroughADeadFirstAddress) {
  test::run_checking_descriptors(fall_through_main());
}

// The server resets the connection (SO_LINGER 0) while the client waits in a read.
task<void> reset_at_once(stream_reader r, stream_writer w) {
  co_await r.read(1);  // the client's go
  w.abort();
}

task<void> reset_mid_read_main() {
  server srv = co_await start_server(reset_at_once, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  writer.write("g");
  bool threw = false;
  try {
    co_await reader.read(100);
  } catch (const connection_reset_error& e) {
    threw = true;
    EXPECT_EQ(e.code().value(), ECONNRESET);
  }
  EXPECT_TRUE(threw);
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, APeerResetMidReadIsConnectionReset) {
  run(reset_mid_read_main());
}

task<void> reset_mid_write_main() {
  server srv = co_await start_server(reset_at_once, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  writer.write("g");
  bool threw = false;
  const std::string chunk(64 * 1024, 'w');
  try {
    for (int i = 0; i < 1000; ++i) {  // the reset arrives within a few chunks
      writer.write(chunk);
      co_await writer.drain();
      co_await sleep(0s);
    }
  } catch (const connection_error& e) {
    threw = true;
    const int code = e.code().value();
    EXPECT_TRUE(code == EPIPE || code == ECONNRESET) << code;
  }
  EXPECT_TRUE(threw);
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, APeerResetMidWriteFailsDrain) {
  run(reset_mid_write_main());
}

// Full duplex: one task writes 4 MiB while another reads the echo of it, on one connection.
task<void> raw_echo(stream_reader r, stream_writer w) {
  std::vector<std::byte> buf(64 * 1024);
  for (;;) {
    const std::size_t n = co_await r.read_into(buf);
    if (n == 0) break;
    w.write(std::string_view(reinterpret_cast<const char*>(buf.data()), n));
    co_await w.drain();
  }
}

task<void> write_all(stream_writer w, std::size_t total) {
  const std::string chunk(32 * 1024, 'd');
  for (std::size_t sent = 0; sent < total; sent += chunk.size()) {
    w.write(chunk);
    co_await w.drain();
  }
  w.write_eof();
}

task<void> duplex_main() {
  server srv = co_await start_server(raw_echo, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  constexpr std::size_t total = 4 * 1024 * 1024;
  auto sender = create_task(write_all(writer, total));
  std::size_t got = 0;
  std::vector<std::byte> buf(64 * 1024);
  for (;;) {
    const std::size_t n = co_await reader.read_into(buf);
    if (n == 0) break;
    got += n;
  }
  co_await sender;
  EXPECT_EQ(got, total);
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, AReaderTaskAndAWriterTaskShareOneConnection) {
  run(duplex_main());
}

// Back-pressure: with nobody reading, the buffer grows past the high-water mark and drain()
// waits until the peer reads it down.
task<void> hold_then_read(stream_reader r, stream_writer, event& go, std::size_t& read_total) {
  co_await go.wait();
  std::string all = co_await r.read();
  read_total = all.size();
}

task<void> pressure_main() {
  event go;
  std::size_t read_total = 0;
  auto handler = [&go, &read_total](stream_reader r, stream_writer w) {
    return hold_then_read(std::move(r), std::move(w), go, read_total);
  };
  server srv = co_await start_server(handler, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  constexpr std::size_t total = 16 * 1024 * 1024;  // more than the socket buffers hold
  writer.write(std::string(total, 'p'));
  EXPECT_GT(writer.write_buffer_size(), 64u * 1024);
  auto drain = create_task(writer.drain());
  co_await sleep(0s);
  co_await sleep(0s);
  EXPECT_FALSE(drain.done());  // nobody reads: it waits
  go.set();
  co_await drain;
  EXPECT_LE(writer.write_buffer_size(), 16u * 1024);
  writer.close();
  co_await writer.wait_closed();
  srv.close();
  co_await srv.wait_closed();
  EXPECT_EQ(read_total, total);
}

TEST(Streams, DrainWaitsAboveTheHighWaterMark) {
  run(pressure_main());
}

// Cancelling a read: the reader's operation is withdrawn, nothing leaks, and data sent later is
// still there for the next read.
task<void> wait_for_go_then_send(stream_reader r, stream_writer w) {
  co_await r.read(1);
  w.write("late");
  co_await w.drain();
  std::string rest = co_await r.read();
  (void)rest;
}

task<void> cancel_read_main() {
  server srv = co_await start_server(wait_for_go_then_send, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  auto pending = create_task(reader.read(10));
  co_await sleep(0s);
  co_await sleep(0s);
  EXPECT_FALSE(pending.done());
  pending.cancel();
  bool cancelled = false;
  try {
    co_await pending;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  writer.write("g");
  std::string got = co_await reader.read_exactly(4);
  EXPECT_EQ(got, "late");
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, CancellingAReadLosesNothingAndLeaksNothing) {
  test::run_checking_descriptors(cancel_read_main());
}

// Cancelling a connect that cannot finish: a listener whose backlog is full and never accepts
// makes the kernel drop further SYNs, so the connect waits until cancelled.
task<void> cancel_connect_main(std::uint16_t port) {
  std::vector<stream_pair> fillers;
  auto attempt = create_task(open_connection("127.0.0.1", port));
  // Fill the backlog until an attempt hangs.
  for (int i = 0; i < 8 && attempt.done(); ++i) {
    fillers.push_back(co_await attempt);
    attempt = create_task(open_connection("127.0.0.1", port));
    co_await sleep(0s);
    co_await sleep(0s);
  }
  EXPECT_FALSE(attempt.done());
  attempt.cancel();
  bool cancelled = false;
  try {
    co_await attempt;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  for (auto& f : fillers) f.second.abort();
}

TEST(Streams, CancellingAConnectClosesItsSocket) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<::sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<::sockaddr*>(&a), &len);
  test::run_checking_descriptors(cancel_connect_main(ntohs(a.sin_port)));
  ::close(listener);
}

// serve_forever: cancelling it closes the server; its pending accept is withdrawn.
task<void> serve_forever_main() {
  server srv = co_await start_server(echo_handler, "127.0.0.1", 0);
  auto serving = create_task(srv.serve_forever());
  co_await sleep(0s);
  EXPECT_TRUE(srv.is_serving());
  serving.cancel();
  bool cancelled = false;
  try {
    co_await serving;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(srv.is_serving());
  co_await srv.wait_closed();
}

TEST(Streams, CancellingServeForeverClosesTheServer) {
  test::run_checking_descriptors(serve_forever_main());
}

// Graceful shutdown on virtual time: one handler finishes within the grace period, one never
// does and is cancelled.
task<void> finishes_when_told(stream_reader r, stream_writer w) {
  std::string cmd = co_await r.read_line();
  if (cmd == "quick\n") {
    w.write("done\n");
    co_return;
  }
  co_await sleep(1h);  // "stuck"
}

task<void> shutdown_main() {
  server srv = co_await start_server(finishes_when_told, "127.0.0.1", 0);
  const auto port = srv.addresses()[0].port();
  auto [r1, w1] = co_await open_connection("127.0.0.1", port);
  auto [r2, w2] = co_await open_connection("127.0.0.1", port);
  w2.write("stuck\n");
  while (srv.active_connections() < 2) co_await sleep(0s);
  auto stopping = create_task(srv.shutdown(5s));
  co_await sleep(0s);
  EXPECT_FALSE(srv.is_serving());
  w1.write("quick\n");
  std::string reply = co_await r1.read_line();
  EXPECT_EQ(reply, "done\n");
  const std::size_t cancelled = co_await stopping;
  EXPECT_EQ(cancelled, 1u);
  EXPECT_EQ(srv.active_connections(), 0u);
  std::string end = co_await r2.read();
  EXPECT_EQ(end, "");  // the stuck connection was closed
  w1.close();
  w2.close();
}

TEST(Streams, GracefulShutdownCancelsWhatOutlivesTheGrace) {
  virtual_clock clock;
  run(shutdown_main(), {.clock = &clock});
}

// A slow peer (slowloris) against a handler with an idle timeout: the handler gives up.
task<void> impatient(stream_reader r, stream_writer w, int& timed_out) {
  try {
    co_await wait_for(r.read_line(), 10s);
  } catch (const timeout_error&) {
    ++timed_out;
  }
  w.close();
}

task<void> slowloris_main() {
  int timed_out = 0;
  auto handler = [&timed_out](stream_reader r, stream_writer w) {
    return impatient(std::move(r), std::move(w), timed_out);
  };
  server srv = co_await start_server(handler, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses()[0].port());
  writer.write("G");  // and nothing more
  std::string end = co_await reader.read();
  EXPECT_EQ(end, "");
  EXPECT_EQ(timed_out, 1);
  writer.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, ASlowPeerMeetsTheHandlersIdleTimeout) {
  virtual_clock clock;
  run(slowloris_main(), {.clock = &clock});
}

// max_connections: the third client waits in the backlog until a slot frees.
task<void> limited_main() {
  event release;
  auto handler = [&release](stream_reader r, stream_writer w) -> task<void> {
    co_await release.wait();
    w.write("bye");
    (void)r;
  };
  const server_options two{.max_connections = 2};
  server srv = co_await start_server(handler, "127.0.0.1", 0, two);
  const auto port = srv.addresses()[0].port();
  std::vector<stream_pair> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(co_await open_connection("127.0.0.1", port));
  for (int i = 0; i < 4; ++i) co_await sleep(0s);
  EXPECT_EQ(srv.active_connections(), 2u);
  release.set();
  for (auto& c : clients) {
    std::string got = co_await c.first.read();
    EXPECT_EQ(got, "bye");
  }
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, MaxConnectionsHoldsFurtherOnesInTheBacklog) {
  run(limited_main());
}

// Many connections on one loop at once.
task<void> many_main(std::size_t count) {
  const server_options deep{.backlog = 4096};
  server srv = co_await start_server(echo_handler, "127.0.0.1", 0, deep);
  const auto port = srv.addresses()[0].port();
  std::vector<stream_pair> clients;
  clients.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    clients.push_back(co_await open_connection("127.0.0.1", port));
  for (auto& c : clients) c.second.write("ping\n");
  std::size_t answered = 0;
  for (auto& c : clients) {
    std::string got = co_await c.first.read_line();
    if (got == "ping\n") ++answered;
  }
  EXPECT_EQ(answered, count);
  EXPECT_EQ(srv.active_connections(), count);
  for (auto& c : clients) c.second.close();
  srv.close();
  co_await srv.wait_closed();
}

TEST(Streams, AThousandConnectionsOnOneLoop) {
  test::run_checking_descriptors(many_main(1000));
}

// 10,000 connections on one server loop. The clients run in a forked child with its own loop,
// since both ends in one process would need more descriptors than the limit allows.
task<int> ten_thousand_clients(std::uint16_t port, std::size_t count) {
  std::vector<stream_pair> clients;
  clients.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    clients.push_back(co_await open_connection("127.0.0.1", port));
  for (auto& c : clients) c.second.write("ping\n");
  std::size_t answered = 0;
  for (auto& c : clients) {
    std::string got = co_await c.first.read_line();
    if (got == "ping\n") ++answered;
  }
  for (auto& c : clients) c.second.close();
  co_return answered == count ? 0 : 1;
}

task<void> counted_echo(stream_reader r, stream_writer w, std::size_t& live, std::size_t& peak) {
  peak = std::max(peak, ++live);
  co_await echo_handler(std::move(r), std::move(w));
  --live;
}

task<int> ten_thousand_server(std::size_t count) {
  std::size_t live = 0;
  std::size_t peak = 0;
  auto handler = [&live, &peak](stream_reader r, stream_writer w) {
    return counted_echo(std::move(r), std::move(w), live, peak);
  };
  const server_options deep{.backlog = 4096};
  server srv = co_await start_server(handler, "127.0.0.1", 0, deep);
  const auto port = srv.addresses()[0].port();
  const pid_t child = ::fork();
  if (child == 0) {
    // The child's thread still counts as running the parent's loop: a fresh thread runs a
    // fresh loop, and the child exits without unwinding the parent's.
    int rc = 1;
    std::thread clients([&rc, port, count] {
      try {
        rc = run(ten_thousand_clients(port, count));
      } catch (const std::exception& e) {  // say why, or the parent sees only a status
        std::fprintf(stderr, "client process failed: %s\n", e.what());
        rc = 2;
      }
    });
    clients.join();
    std::_Exit(rc);
  }
  // Every client connects and is answered before any closes: all handlers run at the peak.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  co_await wait_readable(pidfd);  // the child exited
  int status = 0;
  ::waitpid(child, &status, 0);
  ::close(pidfd);
  srv.close();
  co_await srv.wait_closed();
  EXPECT_EQ(peak, count);
  co_return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(Streams, TenThousandConnectionsOnOneLoop) {
  const auto fds = open_fd_count();
  const int child_status = run(ten_thousand_server(10000));
  EXPECT_EQ(child_status, 0);
  EXPECT_EQ(open_fd_count(), fds);
}

// Found by the HTTP server's tests: on io_uring, closing a server (or a stream) whose accept (or
// receive) the ring already holds must complete that operation. The cancel request was queued
// but the descriptor closed before it was submitted, so the kernel found no file to cancel on
// and the operation waited for ever.
task<void> close_with_pending_operations_main() {
  server srv = co_await start_server(echo_handler, "127.0.0.1", 0);
  auto [reader, writer] = co_await open_connection("127.0.0.1", srv.addresses().at(0).port());
  auto& loop = event_loop::running();
  auto pending_read = loop.create_task(reader.read(10));
  co_await sleep(5ms);  // the loop has polled: the accept and the receive are in the ring
  writer.close();       // the client's own pending receive must end
  std::string got = co_await wait_for(std::move(pending_read), 2s);
  EXPECT_EQ(got, "");
  srv.close();
  co_await wait_for(srv.wait_closed(), 2s);
}

TEST(Streams, ClosingEndsOperationsAlreadyInTheRing) {
  test::run_checking_descriptors(close_with_pending_operations_main());
}

}  // namespace
}  // namespace braid::asyncio
