// The load generator of the network benchmarks: a hand-written epoll client in its own process,
// the same for every server, so the servers alone differ. Prints one JSON object.
//
// usage: bench_net_echo_client PORT pingpong CONNECTIONS ROUND_TRIPS_EACH SIZE
//        bench_net_echo_client PORT bulk BYTES
//        bench_net_echo_client PORT accept COUNT
//        bench_net_echo_client PORT idle COUNT   (prints "idle" when all are open, then waits
//                                                 for stdin to close)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

sockaddr_in target(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

int connect_blocking(const sockaddr_in& a) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) < 0) {
    std::perror("connect");
    std::exit(1);
  }
  return fd;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Every connection sends SIZE bytes, waits for them back, ROUNDS times; all at once.
void pingpong(const sockaddr_in& a, int conns, long rounds, int size) {
  std::vector<int> fds;
  for (int i = 0; i < conns; ++i) fds.push_back(connect_blocking(a));
  const int ep = ::epoll_create1(0);
  std::vector<long> left(static_cast<size_t>(conns), rounds);
  std::vector<int> got(static_cast<size_t>(conns), 0);
  std::string msg(static_cast<size_t>(size), 'x');
  std::vector<char> buf(65536);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < conns; ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[static_cast<size_t>(i)], &ev);
    ::send(fds[static_cast<size_t>(i)], msg.data(), msg.size(), 0);
  }
  int active = conns;
  epoll_event events[256];
  while (active > 0) {
    const int n = ::epoll_wait(ep, events, 256, -1);
    for (int k = 0; k < n; ++k) {
      const auto i = events[k].data.u32;
      const ssize_t r = ::recv(fds[i], buf.data(), buf.size(), 0);
      if (r <= 0) {
        std::fprintf(stderr, "connection lost\n");
        std::exit(1);
      }
      got[i] += static_cast<int>(r);
      if (got[i] < size) continue;
      got[i] = 0;
      if (--left[i] == 0) {
        --active;
        continue;
      }
      ::send(fds[i], msg.data(), msg.size(), 0);
    }
  }
  const double s = seconds_since(t0);
  std::printf("{\"mode\":\"pingpong\",\"connections\":%d,\"operations\":%ld,\"seconds\":%.6f}\n",
              conns, rounds * conns, s);
  for (int fd : fds) ::close(fd);
}

// One connection: send BYTES as fast as possible while reading the echo back.
void bulk(const sockaddr_in& a, long total) {
  const int fd = connect_blocking(a);
  std::vector<char> out(256 * 1024, 'b');
  std::vector<char> in(256 * 1024);
  const int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  long sent = 0;
  long received = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (received < total) {
    epoll_event e[1];
    if (::epoll_wait(ep, e, 1, -1) < 1) continue;
    if ((e[0].events & EPOLLOUT) && sent < total) {
      const long want = std::min<long>(static_cast<long>(out.size()), total - sent);
      const ssize_t w = ::send(fd, out.data(), static_cast<size_t>(want), MSG_DONTWAIT);
      if (w > 0) sent += w;
      if (sent == total) {
        ev.events = EPOLLIN;
        ::epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
      }
    }
    if (e[0].events & EPOLLIN) {
      const ssize_t r = ::recv(fd, in.data(), in.size(), MSG_DONTWAIT);
      if (r == 0) break;
      if (r > 0) received += r;
    }
  }
  const double s = seconds_since(t0);
  std::printf("{\"mode\":\"bulk\",\"operations\":%ld,\"seconds\":%.6f}\n", total, s);
  ::close(fd);
}

// COUNT connections one after another: connect, one byte there and back, close.
void accept_rate(const sockaddr_in& a, long count) {
  const auto t0 = std::chrono::steady_clock::now();
  char c = 'a';
  for (long i = 0; i < count; ++i) {
    const int fd = connect_blocking(a);
    ::send(fd, &c, 1, 0);
    if (::recv(fd, &c, 1, 0) != 1) {
      std::fprintf(stderr, "no echo\n");
      std::exit(1);
    }
    ::close(fd);
  }
  const double s = seconds_since(t0);
  std::printf("{\"mode\":\"accept\",\"operations\":%ld,\"seconds\":%.6f}\n", count, s);
}

void idle(const sockaddr_in& a, int count) {
  std::vector<int> fds;
  char c = 'i';
  for (int i = 0; i < count; ++i) {
    fds.push_back(connect_blocking(a));
    ::send(fds.back(), &c, 1, 0);  // the server's handler runs and waits in its next read
    if (::recv(fds.back(), &c, 1, 0) != 1) std::exit(1);
  }
  std::printf("idle\n");
  std::fflush(stdout);
  char rest[16];
  while (::read(0, rest, sizeof rest) > 0) {
  }
  for (int fd : fds) ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  const sockaddr_in a = target(std::atoi(argv[1]));
  const std::string mode = argv[2];
  if (mode == "pingpong" && argc >= 6) {
    pingpong(a, std::atoi(argv[3]), std::atol(argv[4]), std::atoi(argv[5]));
  } else if (mode == "bulk") {
    bulk(a, std::atol(argv[3]));
  } else if (mode == "accept") {
    accept_rate(a, std::atol(argv[3]));
  } else if (mode == "idle") {
    idle(a, std::atoi(argv[3]));
  } else {
    return 2;
  }
}
