// braid::threading::thread: the state is shared with the running thread, so a detached daemon
// keeps it alive; `done` is an event, so join(timeout) waits on a futex instead of polling.
#include "braid/threading/thread.hpp"

#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>

#include "braid/threading/current_thread.hpp"
#include "braid/threading/errors.hpp"
#include "braid/threading/event.hpp"
#include "braid/trace/tracing.hpp"

namespace braid::threading {
namespace detail {

struct thread_state {
  std::string name;
  bool daemon = false;
  std::unique_ptr<thread_body> body;
  std::atomic<bool> started{false};
  std::atomic<std::uint64_t> ident{0};
  std::atomic<std::uint64_t> native_id{0};
  event running;  // set once ident and native_id are known
  event done;     // set when the body has returned
  std::mutex handle_mutex;
  std::thread handle;  // guarded by handle_mutex
};

}  // namespace detail

namespace {

std::atomic<std::uint64_t> thread_counter{0};

void run_thread(const std::shared_ptr<detail::thread_state>& state) noexcept {
  set_current_thread_name(state->name);
  state->ident.store(get_ident(), std::memory_order_relaxed);
  state->native_id.store(get_native_id(), std::memory_order_relaxed);
  state->running.set();
  try {
    const trace::scope traced(trace::category::thread, state->name);
    state->body->run();
  } catch (...) {
    report_unhandled(std::current_exception(), "thread body");
  }
  state->body.reset();  // the callable and its arguments die on their own thread, as in Python
  state->done.set();
}

void join_handle(detail::thread_state& state) {
  std::lock_guard<std::mutex> guard(state.handle_mutex);
  if (state.handle.joinable()) state.handle.join();
}

}  // namespace

thread::thread(thread_options options, std::unique_ptr<detail::thread_body> body)
    : state_(std::make_shared<detail::thread_state>()) {
  const std::uint64_t n = thread_counter.fetch_add(1, std::memory_order_relaxed) + 1;
  state_->name = options.name.empty() ? "Thread-" + std::to_string(n) : std::move(options.name);
  state_->daemon = options.daemon;
  state_->body = std::move(body);
}

thread::thread(thread&& other) noexcept = default;

thread& thread::operator=(thread&& other) noexcept {
  if (this != &other) {
    finish();
    state_ = std::move(other.state_);
  }
  return *this;
}

thread::~thread() {
  finish();
}

void thread::finish() noexcept {
  if (!state_ || !state_->started.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> guard(state_->handle_mutex);
  if (!state_->handle.joinable()) return;
  // Joining ourselves would deadlock: a thread object destroyed by its own body is detached.
  if (state_->daemon || state_->handle.get_id() == std::this_thread::get_id()) {
    state_->handle.detach();
  } else {
    state_->handle.join();
  }
}

void thread::start() {
  if (state_->started.exchange(true, std::memory_order_acq_rel)) {
    throw thread_error("threads can only be started once");
  }
  try {
    std::lock_guard<std::mutex> guard(state_->handle_mutex);
    state_->handle = std::thread(run_thread, state_);
  } catch (const std::system_error& e) {
    state_->started.store(false, std::memory_order_release);  // never ran: may be started again
    throw os_error(e.code(), "braid::threading::thread: could not start a thread");
  } catch (...) {
    state_->started.store(false, std::memory_order_release);
    throw;
  }
  state_->running.wait();
}

void thread::join() {
  if (!state_->started.load(std::memory_order_acquire)) {
    throw thread_error("cannot join thread before it is started");
  }
  if (state_->ident.load(std::memory_order_relaxed) == get_ident()) {
    throw thread_error("cannot join current thread");
  }
  state_->done.wait();
  join_handle(*state_);
}

bool thread::join(std::chrono::nanoseconds timeout) {
  if (!state_->started.load(std::memory_order_acquire)) {
    throw thread_error("cannot join thread before it is started");
  }
  if (state_->ident.load(std::memory_order_relaxed) == get_ident()) {
    throw thread_error("cannot join current thread");
  }
  if (!state_->done.wait(timeout)) return false;
  join_handle(*state_);  // the body returned: the OS thread is about to end
  return true;
}

bool thread::is_alive() const noexcept {
  return state_->started.load(std::memory_order_acquire) && !state_->done.is_set();
}

const std::string& thread::name() const noexcept {
  return state_->name;
}

std::uint64_t thread::ident() const noexcept {
  return state_->ident.load(std::memory_order_relaxed);
}

std::uint64_t thread::native_id() const noexcept {
  return state_->native_id.load(std::memory_order_relaxed);
}

bool thread::daemon() const noexcept {
  return state_->daemon;
}

}  // namespace braid::threading
