// event_loop::add_signal_handler / remove_signal_handler through a signalfd per loop.
//
// signalfd reads only signals that are blocked: the loop thread blocks each handled signal and
// the loop watches the signalfd. A process-directed signal goes to any thread that does not
// block it, and would take the default action there (SIGUSR1 and SIGTERM end the program), so
// every handled signal also gets a process-wide sigaction whose only job is to forward what
// another thread receives to the loop's thread with tgkill, where it is blocked, so pending,
// so readable on the signalfd.

#include <sched.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <string>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/threading/current_thread.hpp"
#include "detail/loop_impl.hpp"

namespace braid::asyncio {

namespace detail {
namespace {

std::mutex owners_mutex;
const event_loop* owners[NSIG] = {};  // guarded by owners_mutex: which loop handles a signal

// The loop thread each signal is forwarded to (0: none), and how many forwarders are between
// reading it and finishing with it: remove() waits for that count to drop to zero after
// clearing the entry, so a tgkill never reaches a thread that stopped handling the signal (or
// exited and had its id reused).
std::atomic<pid_t> forward_to[NSIG] = {};
std::atomic<int> forwarders_running{0};

pid_t this_thread_id() noexcept {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

extern "C" void forward_signal(int signo) {
  const int saved = errno;
  forwarders_running.fetch_add(1);
  const pid_t target = forward_to[signo].load();
  // Never to this thread: the loop thread blocks the signal, so this runs elsewhere; re-sending
  // to ourselves would only repeat the handler.
  if (target != 0 && target != this_thread_id()) {
    ::syscall(SYS_tgkill, ::getpid(), target, signo);
  }
  forwarders_running.fetch_sub(1);
  errno = saved;
}

void check_signal_number(int signo) {
  if (signo <= 0 || signo >= NSIG) {
    throw value_error("invalid signal number " + std::to_string(signo));
  }
}

void check_handleable(int signo) {
  check_signal_number(signo);
  if (signo == SIGKILL || signo == SIGSTOP) {
    throw value_error("SIGKILL and SIGSTOP cannot be handled");
  }
  // A fault raised by the thread's own instruction cannot wait in a queue: blocking it is
  // undefined, and the program could not go on from the faulting instruction anyway.
  if (signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE || signo == SIGILL ||
      signo == SIGTRAP) {
    throw value_error("fault signal " + std::to_string(signo) + " cannot be handled on a loop");
  }
  if (signo > 31 && signo < SIGRTMIN) {
    throw value_error("signal " + std::to_string(signo) + " is reserved by the C library");
  }
}

sigset_t just(int signo) noexcept {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, signo);
  return s;
}

}  // namespace

signal_registry::signal_registry(event_loop& loop) noexcept : loop_(loop) {
  sigemptyset(&mask_);
}

signal_registry::~signal_registry() {
  while (!entries_.empty()) remove(entries_.back().signo);
  // A cancelled wait may still be on its way back (io_uring): it lives in this object.
  if (armed) loop_access::abandon_io(loop_, *this);
}

signal_registry::entry* signal_registry::find(int signo) noexcept {
  for (auto& e : entries_) {
    if (e.signo == signo) return &e;
  }
  return nullptr;
}

void signal_registry::add(int signo, std::function<void()> callback) {
  check_handleable(signo);
  if (!callback) throw value_error("add_signal_handler: the callback is empty");
  const event_loop* running = event_loop::current();
  if (running != nullptr && running != &loop_) {
    throw invalid_state_error("add_signal_handler: call it on the loop's own thread");
  }
  if (!entries_.empty() && thread_ != this_thread_id()) {
    throw invalid_state_error(
        "add_signal_handler: this loop's handlers were added on another thread");
  }
  auto shared = std::make_shared<std::function<void()>>(std::move(callback));
  if (entry* e = find(signo)) {
    e->callback = std::move(shared);
    return;
  }
  entries_.reserve(entries_.size() + 1);  // the push_back below cannot throw
  {
    std::lock_guard lock(owners_mutex);
    if (owners[signo] != nullptr) {
      throw invalid_state_error("signal " + std::to_string(signo) +
                                " is handled by another event loop");
    }
    owners[signo] = &loop_;
  }
  try {
    install(signo, std::move(shared));
  } catch (...) {
    std::lock_guard lock(owners_mutex);
    owners[signo] = nullptr;
    throw;
  }
}

void signal_registry::install(int signo, std::shared_ptr<std::function<void()>> callback) {
  entry e;
  e.signo = signo;
  e.callback = std::move(callback);
  const sigset_t one = just(signo);
  sigset_t before;
  // Blocked before the forwarder is installed, so the forwarder never runs on this thread.
  ::pthread_sigmask(SIG_BLOCK, &one, &before);
  e.was_blocked = sigismember(&before, signo) == 1;
  auto unblock = [&] {
    if (!e.was_blocked) ::pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  };
  sigset_t wanted = mask_;
  sigaddset(&wanted, signo);
  const int sfd = ::signalfd(fd, &wanted, SFD_NONBLOCK | SFD_CLOEXEC);
  if (sfd < 0) {
    const int err = errno;
    unblock();
    throw os_error(err, "signalfd");
  }
  fd = sfd;
  // A wait still in flight (a cancelled one on an earlier signalfd, on io_uring) re-arms on
  // this one when its completion runs.
  if (!armed) watch();
  struct sigaction act {};
  act.sa_handler = &forward_signal;
  sigfillset(&act.sa_mask);
  act.sa_flags = SA_RESTART;
  forward_to[signo].store(this_thread_id());
  if (::sigaction(signo, &act, &e.old) != 0) {
    const int err = errno;
    forward_to[signo].store(0);
    if (entries_.empty()) {
      loop_access::cancel_io(loop_, *this);
      ::close(fd);
      fd = -1;
    } else {
      ::signalfd(fd, &mask_, 0);
    }
    unblock();
    throw os_error(err, "sigaction");
  }
  mask_ = wanted;
  thread_ = this_thread_id();
  entries_.push_back(std::move(e));
}

bool signal_registry::remove(int signo) noexcept {
  entry* e = find(signo);
  if (!e) return false;
  // New deliveries take the previous disposition from here on.
  ::sigaction(signo, &e->old, nullptr);
  forward_to[signo].store(0);
  while (forwarders_running.load() != 0) ::sched_yield();
  const sigset_t one = just(signo);
  const bool on_loop_thread = thread_ == this_thread_id();
  if (on_loop_thread) {
    // Instances that arrived while handled are dropped rather than given to the old
    // disposition when the mask is restored (which could end the program).
    const timespec zero{};
    while (::sigtimedwait(&one, nullptr, &zero) > 0) {
    }
  }
  sigdelset(&mask_, signo);
  const bool last = entries_.size() == 1;
  if (last) {
    loop_access::cancel_io(loop_, *this);  // io_uring: its completion comes, and finds fd -1
    ::close(fd);
    fd = -1;
  } else {
    ::signalfd(fd, &mask_, 0);
  }
  // From another thread (a loop destroyed elsewhere) the loop thread's mask cannot be changed.
  if (on_loop_thread && !e->was_blocked) ::pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
  {
    std::lock_guard lock(owners_mutex);
    owners[signo] = nullptr;
  }
  entries_.erase(entries_.begin() + (e - entries_.data()));
  return true;
}

void signal_registry::watch() noexcept {
  kind = io_kind::poll_in;
  loop_access::submit_io(loop_, *this);
}

void signal_registry::run() noexcept {
  if (fd < 0) return;  // the last handler went while this was queued
  const auto start = loop_access::step_start_ns(loop_);
  int arrived[NSIG];
  std::size_t count = 0;
  signalfd_siginfo infos[8];
  for (;;) {
    const ssize_t n = ::read(fd, infos, sizeof infos);
    if (n <= 0) break;  // EAGAIN: all read
    const auto got = static_cast<std::size_t>(n) / sizeof(signalfd_siginfo);
    for (std::size_t i = 0; i < got && count < NSIG; ++i) {
      arrived[count++] = static_cast<int>(infos[i].ssi_signo);
    }
    if (got < sizeof infos / sizeof infos[0]) break;
  }
  for (std::size_t i = 0; i < count; ++i) {
    entry* e = find(arrived[i]);
    if (!e) continue;                   // removed by an earlier callback
    const auto callback = e->callback;  // survives a callback removing or replacing itself
    try {
      (*callback)();
    } catch (...) {
      threading::report_unhandled(std::current_exception(), "signal handler");
    }
  }
  if (fd >= 0 && !armed) watch();
  loop_access::note_step(loop_, start, nullptr);
}

}  // namespace detail

void event_loop::add_signal_handler(int signo, std::function<void()> callback) {
  throw_if_closed();
  if (!impl_->signals) impl_->signals = std::make_unique<detail::signal_registry>(*this);
  impl_->signals->add(signo, std::move(callback));
}

bool event_loop::remove_signal_handler(int signo) {
  detail::check_signal_number(signo);
  return impl_->signals && impl_->signals->remove(signo);
}

}  // namespace braid::asyncio
