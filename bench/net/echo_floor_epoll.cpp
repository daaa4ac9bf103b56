// The floor: a minimal hand-written edge-triggered epoll echo server, no abstraction at all.
// usage: bench_net_echo_floor_epoll PORT
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(lfd, 4096) < 0)
    return 1;
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::unordered_map<int, std::string> backlog;  // bytes a full socket did not take
  static char buf[64 * 1024];
  std::printf("ready\n");
  std::fflush(stdout);
  epoll_event events[256];
  for (;;) {
    const int n = ::epoll_wait(ep, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == lfd) {
        for (;;) {
          const int c = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) break;
          ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP;
          cev.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
        continue;
      }
      bool closed = false;
      std::string& pending = backlog[fd];
      if (!pending.empty()) {
        const ssize_t w = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
        if (w > 0) pending.erase(0, static_cast<size_t>(w));
      }
      for (;;) {
        if (!pending.empty()) break;  // back-pressure: read again once the backlog is out
        const ssize_t r = ::recv(fd, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN)) {
          closed = true;
          break;
        }
        if (r < 0) break;
        const ssize_t w = ::send(fd, buf, static_cast<size_t>(r), MSG_NOSIGNAL);
        const size_t sent = w > 0 ? static_cast<size_t>(w) : 0;
        if (sent < static_cast<size_t>(r))
          pending.append(buf + sent, static_cast<size_t>(r) - sent);
      }
      if (closed) {
        backlog.erase(fd);
        ::close(fd);
      }
    }
  }
}
