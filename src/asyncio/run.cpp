#include "braid/asyncio/run.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace braid::asyncio::detail {

std::unique_ptr<event_loop> make_run_loop(const run_options& options) {
  auto loop =
      options.clock ? std::make_unique<event_loop>(*options.clock) : std::make_unique<event_loop>();
  loop->set_debug(options.debug);
  loop->set_slow_callback_duration(options.slow_callback_duration);
  return loop;
}

bool task_done(void* task) noexcept {
  return static_cast<task_base*>(task)->done();
}

namespace {
std::atomic<int> sigint_write_fd{-1};

extern "C" void on_sigint(int) {
  const int saved = errno;
  const int fd = sigint_write_fd.load(std::memory_order_relaxed);
  if (fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] auto n = ::write(fd, &byte, 1);
  }
  errno = saved;
}

bool on_main_thread() noexcept {
  return ::getpid() == static_cast<pid_t>(::syscall(SYS_gettid));
}
}  // namespace

// A self-pipe: the handler writes a byte, the loop watches the read end and cancels main. The
// state owns the pipe, so it is closed however the scope ends, a constructor that throws
// included.
struct sigint_scope::state final : io_watch {
  event_loop* loop = nullptr;
  task_base* main = nullptr;
  int fds[2] = {-1, -1};
  bool watching = false;
  struct sigaction old {};
  bool interrupted = false;

  state() = default;
  state(const state&) = delete;
  state& operator=(const state&) = delete;
  ~state() {
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }

  void run() noexcept override {
    char buf[64];
    while (::read(fds[0], buf, sizeof buf) > 0) {
    }
    interrupted = true;
    watching = false;
    main->cancel();
    try {
      loop->watch_fd(false, *this);
      watching = true;
    } catch (...) {
    }
  }
};

sigint_scope::sigint_scope(event_loop& loop, task_base& main, bool enable) {
  if (!enable || !on_main_thread()) return;
  struct sigaction current {};
  if (::sigaction(SIGINT, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) return;
  auto s = std::make_unique<state>();
  s->loop = &loop;
  s->main = &main;
  if (::pipe2(s->fds, O_NONBLOCK | O_CLOEXEC) != 0) return;
  s->fd = s->fds[0];
  loop.watch_fd(false, *s);  // may throw: `s` then closes the pipe
  s->watching = true;
  sigint_write_fd.store(s->fds[1], std::memory_order_relaxed);
  struct sigaction act {};
  act.sa_handler = &on_sigint;
  sigemptyset(&act.sa_mask);
  ::sigaction(SIGINT, &act, &s->old);
  state_ = std::move(s);
}

sigint_scope::~sigint_scope() {
  if (!state_) return;
  ::sigaction(SIGINT, &state_->old, nullptr);
  sigint_write_fd.store(-1, std::memory_order_relaxed);
  if (state_->watching) state_->loop->unwatch_fd(*state_);
  state_.reset();  // closes the pipe, now that the handler no longer writes to it
}

bool sigint_scope::interrupted() const noexcept {
  return state_ && state_->interrupted;
}

}  // namespace braid::asyncio::detail
