#pragma once
// Helpers of the network tests: descriptor counting and a bound port nothing listens on.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "support/descriptors.hpp"

namespace braid::asyncio::test {

using braid::test::open_fd_count;

/// Runs `main` on a fresh loop and checks that it left no descriptor open (sockets, pipes, the
/// loop's own). Fails the current test otherwise.
template <class T>
void run_checking_descriptors(task<T> main, run_options options = {}) {
  const std::size_t before = open_fd_count();
  run(std::move(main), options);
  EXPECT_EQ(open_fd_count(), before) << "descriptors leaked";
}

/// A loopback port bound by a socket that does not listen: connecting to it is refused, and
/// no other test can take it while the object lives.
class refusing_port {
 public:
  refusing_port() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ::sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<::sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<::sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~refusing_port() { ::close(fd_); }
  refusing_port(const refusing_port&) = delete;
  refusing_port& operator=(const refusing_port&) = delete;
  std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace braid::asyncio::test
