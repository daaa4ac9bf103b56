#include "braid/asyncio/run.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "detail/loop_impl.hpp"

namespace braid::asyncio::detail {

std::unique_ptr<event_loop> make_run_loop(const run_options& options) {
  const loop_options lo{.backend = options.backend};
  auto loop = options.clock ? std::make_unique<event_loop>(*options.clock, lo)
                            : std::make_unique<event_loop>(lo);
  loop->set_debug(options.debug);
  loop->set_slow_callback_duration(options.slow_callback_duration);
  return loop;
}

bool task_done(void* task) noexcept {
  return static_cast<task_base*>(task)->done();
}

namespace {
// The loop the handler wakes, and how many handlers are between reading it and finishing with
// it: the scope's end waits for that count to drop to zero after clearing the pointer, so a
// handler running on another thread never touches a loop that is going away.
std::atomic<loop_impl*> sigint_target{nullptr};
std::atomic<int> sigint_handlers_running{0};

extern "C" void on_sigint(int) {
  const int saved = errno;
  sigint_handlers_running.fetch_add(1);
  if (loop_impl* target = sigint_target.load()) target->notify_from_signal();
  sigint_handlers_running.fetch_sub(1);
  errno = saved;
}

bool on_main_thread() noexcept {
  return ::getpid() == static_cast<pid_t>(::syscall(SYS_gettid));
}
}  // namespace

// The handler only sets the loop's signal flag and writes its wake-up eventfd; the loop then
// runs signal_watch, which cancels main. No descriptor is watched, so the loop keeps skipping
// the poll while work is ready.
struct sigint_scope::state {
  loop_impl* impl = nullptr;
  task_base* main = nullptr;
  struct sigaction old {};
  bool interrupted = false;

  static void on_signal(void* self) noexcept {
    auto* s = static_cast<state*>(self);
    s->interrupted = true;
    s->main->cancel();
  }
};

sigint_scope::sigint_scope(event_loop& loop, task_base& main, bool enable) {
  if (!enable || !on_main_thread()) return;
  struct sigaction current {};
  if (::sigaction(SIGINT, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) return;
  auto s = std::make_unique<state>();
  s->impl = &loop_access::impl(loop);
  s->main = &main;
  s->impl->signal_watch.handler = &state::on_signal;
  s->impl->signal_watch.arg = s.get();
  sigint_target.store(s->impl);
  struct sigaction act {};
  act.sa_handler = &on_sigint;
  sigemptyset(&act.sa_mask);
  ::sigaction(SIGINT, &act, &s->old);
  state_ = std::move(s);
}

sigint_scope::~sigint_scope() {
  if (!state_) return;
  // A SIGINT handler added with add_signal_handler saved this scope's handler as its previous
  // one: take it away first, so the restores run in reverse order of the installs.
  if (state_->impl->signals) state_->impl->signals->remove(SIGINT);
  ::sigaction(SIGINT, &state_->old, nullptr);
  sigint_target.store(nullptr);
  while (sigint_handlers_running.load() != 0) ::sched_yield();
  // A signal_watch still queued finds no handler and does nothing.
  state_->impl->signal_watch.handler = nullptr;
  state_->impl->signal_watch.arg = nullptr;
  state_.reset();
}

bool sigint_scope::interrupted() const noexcept {
  return state_ && state_->interrupted;
}

}  // namespace braid::asyncio::detail
