// UDP endpoints on loopback, on both backends.
#include <gtest/gtest.h>

#include <string>

#include "braid/asyncio.hpp"
#include "braid/asyncio/datagram.hpp"
#include "net_test_support.hpp"

namespace braid::asyncio {
namespace {

using namespace std::chrono_literals;

task<void> ping_pong_main() {
  datagram_endpoint server = co_await create_datagram_endpoint(
      datagram_options{.local_address = socket_address::from_ip("127.0.0.1", 0)});
  const socket_address where = server.local_address();
  EXPECT_NE(where.port(), 0);
  datagram_endpoint client =
      co_await create_datagram_endpoint(datagram_options{.remote_address = where});
  for (int i = 0; i < 50; ++i) {
    const std::string msg = "ping " + std::to_string(i);
    co_await client.send(msg);
    datagram got = co_await server.recv_from();
    EXPECT_EQ(got.data, msg);
    EXPECT_FALSE(got.truncated);
    co_await server.send_to("pong", got.sender);
    std::string answer = co_await client.recv();
    EXPECT_EQ(answer, "pong");
  }
  client.close();
  server.close();
}

TEST(Datagram, PingPongOverLoopback) {
  test::run_checking_descriptors(ping_pong_main());
}

task<void> truncated_main() {
  auto a = co_await create_datagram_endpoint(
      datagram_options{.local_address = socket_address::from_ip("127.0.0.1", 0)});
  auto b = co_await create_datagram_endpoint(datagram_options{.remote_address = a.local_address()});
  co_await b.send(std::string(1000, 't'));
  datagram d = co_await a.recv_from(100);
  EXPECT_EQ(d.data.size(), 100u);
  EXPECT_TRUE(d.truncated);
}

TEST(Datagram, ALongerDatagramIsMarkedTruncated) {
  run(truncated_main());
}

task<void> refused_main(std::uint16_t dead_port) {
  auto c = co_await create_datagram_endpoint(
      {.remote_address = socket_address::from_ip("127.0.0.1", dead_port)});
  co_await c.send("anyone?");
  bool refused = false;
  try {
    co_await c.recv();  // the ICMP port-unreachable comes back as ECONNREFUSED
  } catch (const connection_refused_error&) {
    refused = true;
  }
  EXPECT_TRUE(refused);
}

TEST(Datagram, AConnectedEndpointSeesPortUnreachableAsRefused) {
  // A UDP port bound and closed again is free: nothing answers there.
  auto probe = [] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ::sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<::sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<::sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  };
  run(refused_main(probe()));
}

task<void> cancel_recv_main() {
  auto a = co_await create_datagram_endpoint(
      datagram_options{.local_address = socket_address::from_ip("127.0.0.1", 0)});
  auto waiting = create_task(a.recv());
  co_await sleep(0s);
  waiting.cancel();
  bool cancelled = false;
  try {
    co_await waiting;
  } catch (const cancelled_error&) {
    cancelled = true;
  }
  EXPECT_TRUE(cancelled);
  // The cancelled receive consumed nothing: the next datagram goes to the next receive.
  auto b = co_await create_datagram_endpoint(datagram_options{.remote_address = a.local_address()});
  co_await b.send("kept");
  std::string got = co_await a.recv();
  EXPECT_EQ(got, "kept");
}

TEST(Datagram, CancellingAReceiveLeaksNothing) {
  test::run_checking_descriptors(cancel_recv_main());
}

}  // namespace
}  // namespace braid::asyncio
