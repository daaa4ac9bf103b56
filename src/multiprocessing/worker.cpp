// The worker's side: entering worker mode before main, the message loop, and reporting errors.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "braid/multiprocessing/detail/remote_failure.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/multiprocessing/errors.hpp"
#include "detail/wire.hpp"
#include "detail/worker.hpp"

namespace braid::multiprocessing::detail {

__attribute__((noinline)) void worker_anchor() noexcept {
  asm volatile("");
}

namespace {

std::string executable_identity() {
  struct stat st {};
  if (::stat("/proc/self/exe", &st) != 0) return "?";
  std::ostringstream s;
  s << st.st_dev << ':' << st.st_ino << ':' << st.st_size << ':' << st.st_mtim.tv_sec << '.'
    << st.st_mtim.tv_nsec;
  return s.str();
}

struct hello_message {
  code_ref anchor;
  std::string identity;
  std::uint8_t mode = 0;
  std::string init;
  std::int64_t parent = 0;  // the pool's process id
  template <class A>
  void serialize(A& ar) {
    ar(anchor, identity, mode, init, parent);
  }
};

void close_all(std::vector<int>& fds) {
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
  fds.clear();
}

int fatal(int fd, const std::string& text, int code) {
  send_message(fd, kind::fatal, 0, text);
  return code;
}

int serve(int fd, message_reader& in, worker_mode mode) {
  header h;
  std::string_view body;
  std::vector<int> fds;
  std::string result;  // reused: its capacity stays from one task to the next
  for (;;) {
    close_all(fds);
    if (in.next(fd, true, h, body, &fds) != message_reader::status::message) return 0;
    if (h.kind != static_cast<std::uint32_t>(kind::task)) continue;
    result.clear();
    bool failed = false;
    try {
      fd_provider provide(fds);
      run_call(body, result);
    } catch (...) {
      failed = true;
      const failure_text e = describe_current_exception();
      if (mode == worker_mode::process) {
        std::fflush(stdout);
        std::fprintf(stderr, "braid: process %d: unhandled exception: %s: %s\n%s",
                     static_cast<int>(::getpid()), e.type.c_str(), e.message.c_str(),
                     e.stack.c_str());
      } else {
        result = encode_value(e);
      }
    }
    std::fflush(stdout);
    std::fflush(stderr);
    if (mode == worker_mode::process) {
      close_all(fds);
      return failed ? 1 : 0;
    }
    // Sent at once, even while more tasks are buffered: a result held back would be lost, and
    // its task reported dead, if a later task crashed the worker.
    send_message(fd, failed ? kind::failure : kind::result, h.id, result);
  }
}

}  // namespace

std::string encode_hello(worker_mode mode, const remote_call& initializer) {
  hello_message m;
  m.anchor = locate_code(reinterpret_cast<std::uintptr_t>(&worker_anchor));
  m.identity = executable_identity();
  m.mode = static_cast<std::uint8_t>(mode);
  m.init = initializer.encoded().bytes;
  m.parent = ::getpid();
  return encode_value(m);
}

int run_worker(int fd, pid_t parent) noexcept {
  try {
    message_reader in;
    header h;
    std::string_view body;
    std::vector<int> fds;
    if (in.next(fd, true, h, body, &fds) != message_reader::status::message ||
        h.kind != static_cast<std::uint32_t>(kind::hello)) {
      return 70;
    }
    const auto hello = decode_value<hello_message>(body);
    if (hello.identity != executable_identity()) {
      return fatal(fd, "the worker's binary is not the parent's (it was replaced on disk)", 71);
    }
    if (resolve_code(hello.anchor) != reinterpret_cast<std::uintptr_t>(&worker_anchor)) {
      return fatal(fd, "the worker's binary is laid out differently from the parent's", 71);
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (static_cast<worker_mode>(hello.mode) == worker_mode::pool) {
      // A pool worker dies with the pool's manager thread (which spawned it), or with the fork
      // server (which ends with the pool), so a parent that crashes or is killed leaves no
      // orphan workers behind.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const pid_t expected = parent != 0 ? parent : static_cast<pid_t>(hello.parent);
      if (::getppid() != expected) return 0;  // it died before prctl
    }
    if (!hello.init.empty()) {
      try {
        fd_provider provide(fds);
        std::string ignored;
        run_call(hello.init, ignored);
      } catch (...) {
        const failure_text e = describe_current_exception();
        close_all(fds);
        return fatal(fd, "a worker's initializer threw " + e.type + ": " + e.message, 72);
      }
    }
    close_all(fds);
    return serve(fd, in, static_cast<worker_mode>(hello.mode));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "braid: worker %d: %s\n", static_cast<int>(::getpid()), e.what());
    return 73;
  } catch (...) {
    return 73;
  }
}

}  // namespace braid::multiprocessing::detail

namespace {

/// Runs before main in every process of a program linked with braid_multiprocessing: in a worker
/// started by spawn, it serves the parent and exits, so main (and a test runner) never runs.
__attribute__((constructor)) void braid_multiprocessing_enter_worker() {
  using namespace braid::multiprocessing::detail;
  const char* spec = std::getenv(worker_env);
  if (spec == nullptr) return;
  const int fd = std::atoi(spec);
  ::unsetenv(worker_env);  // processes the worker starts are not workers
  const int code = run_worker(fd);
  std::fflush(nullptr);
  ::_exit(code);
}

}  // namespace
