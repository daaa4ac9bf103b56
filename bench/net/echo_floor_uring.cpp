// The io_uring floor: a minimal hand-written io_uring echo server (liburing), one ring, one
// thread: accept, then per connection a recv whose completion submits the send of what came,
// whose completion submits the next recv. No abstraction at all.
// usage: bench_net_echo_floor_uring PORT
#include <arpa/inet.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {
struct conn {
  int fd;
  bool sending;
  unsigned len;
  unsigned sent;
  char buf[64 * 1024];
};
constexpr std::uint64_t accept_tag = 1;

io_uring ring;

io_uring_sqe* sqe() {
  io_uring_sqe* s = io_uring_get_sqe(&ring);
  if (!s) {
    io_uring_submit(&ring);
    s = io_uring_get_sqe(&ring);
  }
  return s;
}
void post_recv(conn* c) {
  c->sending = false;
  io_uring_sqe* s = sqe();
  io_uring_prep_recv(s, c->fd, c->buf, sizeof c->buf, 0);
  io_uring_sqe_set_data(s, c);
}
void post_send(conn* c) {
  c->sending = true;
  io_uring_sqe* s = sqe();
  io_uring_prep_send(s, c->fd, c->buf + c->sent, c->len - c->sent, MSG_NOSIGNAL);
  io_uring_sqe_set_data(s, c);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[1])));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || ::listen(lfd, 4096) < 0)
    return 1;
  if (io_uring_queue_init(4096, &ring, 0) < 0) return 1;
  io_uring_sqe* s = sqe();
  io_uring_prep_multishot_accept(s, lfd, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(s, accept_tag);
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    io_uring_submit_and_wait(&ring, 1);
    io_uring_cqe* cqe;
    unsigned head;
    unsigned n = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++n;
      if (io_uring_cqe_get_data64(cqe) == accept_tag) {
        if (cqe->res >= 0) {
          ::setsockopt(cqe->res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          conn* c = static_cast<conn*>(std::malloc(sizeof(conn)));  // not touched: as the others
          c->fd = cqe->res;
          post_recv(c);
        }
        continue;
      }
      conn* c = static_cast<conn*>(io_uring_cqe_get_data(cqe));
      if (cqe->res <= 0) {
        ::close(c->fd);
        std::free(c);
        continue;
      }
      if (!c->sending) {
        c->len = static_cast<unsigned>(cqe->res);
        c->sent = 0;
        post_send(c);
      } else {
        c->sent += static_cast<unsigned>(cqe->res);
        if (c->sent < c->len) {
          post_send(c);
        } else {
          post_recv(c);
        }
      }
    }
    io_uring_cq_advance(&ring, n);
  }
}
