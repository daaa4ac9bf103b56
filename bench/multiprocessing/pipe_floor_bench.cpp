// The floor for a process pool's round trip: two processes bouncing 16 bytes over a pair of
// pipes (and, for comparison, over a socketpair, which braid uses). Prints "name value unit".
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

double pipe_round_trip_us(int rounds) {
  int to_child[2], to_parent[2];
  if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) std::abort();
  const pid_t pid = ::fork();
  char buf[16] = {};
  if (pid == 0) {
    for (int i = 0; i < rounds; ++i) {
      if (::read(to_child[0], buf, sizeof buf) != sizeof buf) ::_exit(1);
      if (::write(to_parent[1], buf, sizeof buf) != sizeof buf) ::_exit(1);
    }
    ::_exit(0);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    if (::write(to_child[1], buf, sizeof buf) != sizeof buf) std::abort();
    if (::read(to_parent[0], buf, sizeof buf) != sizeof buf) std::abort();
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::waitpid(pid, nullptr, 0);
  for (int fd : {to_child[0], to_child[1], to_parent[0], to_parent[1]}) ::close(fd);
  return std::chrono::duration<double, std::micro>(elapsed).count() / rounds;
}

double socket_round_trip_us(int rounds) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) std::abort();
  const pid_t pid = ::fork();
  char buf[16] = {};
  if (pid == 0) {
    for (int i = 0; i < rounds; ++i) {
      if (::recv(sv[1], buf, sizeof buf, MSG_WAITALL) != sizeof buf) ::_exit(1);
      if (::send(sv[1], buf, sizeof buf, 0) != sizeof buf) ::_exit(1);
    }
    ::_exit(0);
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) {
    if (::send(sv[0], buf, sizeof buf, 0) != sizeof buf) std::abort();
    if (::recv(sv[0], buf, sizeof buf, MSG_WAITALL) != sizeof buf) std::abort();
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ::waitpid(pid, nullptr, 0);
  ::close(sv[0]);
  ::close(sv[1]);
  return std::chrono::duration<double, std::micro>(elapsed).count() / rounds;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 20000;
  pipe_round_trip_us(1000);  // warm up
  std::printf("raw_pipe_round_trip %.2f us\n", pipe_round_trip_us(rounds));
  std::printf("raw_socketpair_round_trip %.2f us\n", socket_round_trip_us(rounds));
}
