#include "braid/http/background_server.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/run.hpp"
#include "braid/error.hpp"

namespace braid::http {

struct background_server::state {
  std::mutex mutex;  // guards everything below but `thread`
  std::condition_variable changed;
  bool ready = false;
  std::exception_ptr failure;  // build() or start_app failed: the constructor rethrows it
  std::uint16_t port = 0;
  std::string host;
  // Set while the server's main task runs: stop() posts to the loop only then, under the
  // mutex, so the loop cannot end between the check and the post.
  asyncio::event_loop* loop = nullptr;
  asyncio::event* stop_requested = nullptr;
  std::chrono::nanoseconds grace{0};
  std::mutex join_mutex;  // two stop() calls at once: one joins, the other waits for it
  std::thread thread;
};

namespace {

using state = background_server::state;

asyncio::task<void> serve(std::shared_ptr<state> s, std::function<void(application&)> build,
                          serve_options options) {
  application app;
  build(app);
  app_runner runner = co_await start_app(app, std::move(options));
  asyncio::event stop_requested;
  {
    std::lock_guard lock(s->mutex);
    s->loop = &asyncio::event_loop::running();
    s->stop_requested = &stop_requested;
    s->port = runner.port();
    s->ready = true;
  }
  s->changed.notify_all();
  struct unpublish {  // however this ends, stop() must not post to the loop afterwards
    state& s;
    ~unpublish() {
      std::lock_guard lock(s.mutex);
      s.loop = nullptr;
      s.stop_requested = nullptr;
    }
  } guard{*s};
  co_await stop_requested.wait();
  std::chrono::nanoseconds grace;
  {
    std::lock_guard lock(s->mutex);
    grace = s->grace;
  }
  co_await runner.shutdown(grace);
}

}  // namespace

background_server::background_server(std::function<void(application&)> build, serve_options options)
    : state_(std::make_shared<state>()) {
  state_->host = options.host;
  auto s = state_;
  s->thread = std::thread([s, build = std::move(build), options = std::move(options)]() mutable {
    try {
      const asyncio::run_options run_options{.handle_sigint = false};
      asyncio::run(serve(s, std::move(build), std::move(options)), run_options);
    } catch (...) {
      std::lock_guard lock(s->mutex);
      if (!s->ready) s->failure = std::current_exception();
    }
    {
      std::lock_guard lock(s->mutex);
      s->ready = true;  // also when it failed: the constructor stops waiting
    }
    s->changed.notify_all();
  });
  std::unique_lock lock(s->mutex);
  s->changed.wait(lock, [&] { return s->ready; });
  if (s->failure) {
    lock.unlock();
    s->thread.join();
    std::rethrow_exception(s->failure);
  }
}

namespace {
serve_options loopback_any_port() {
  serve_options o;
  o.host = "127.0.0.1";
  o.port = 0;
  return o;
}
}  // namespace

background_server::background_server(std::function<void(application&)> build)
    : background_server(std::move(build), loopback_any_port()) {}

background_server::~background_server() {
  stop();
}

std::uint16_t background_server::port() const noexcept {
  std::lock_guard lock(state_->mutex);
  return state_->port;
}

std::string background_server::url(std::string_view path) const {
  std::lock_guard lock(state_->mutex);
  const bool v6 = state_->host.find(':') != std::string::npos;
  const std::string host = state_->host.empty() || state_->host == "0.0.0.0" ? "127.0.0.1"
                           : v6 ? "[" + state_->host + "]"
                                : state_->host;
  return "http://" + host + ":" + std::to_string(state_->port) + std::string(path);
}

void background_server::stop(std::chrono::nanoseconds grace) noexcept {
  auto& s = *state_;
  {
    std::lock_guard lock(s.mutex);
    if (s.loop != nullptr && s.stop_requested != nullptr) {
      s.grace = grace;
      asyncio::event* stop_requested = s.stop_requested;
      try {
        s.loop->call_soon_threadsafe([stop_requested] { stop_requested->set(); });
      } catch (...) {
        // The loop is closing already: its main task ends without the event.
      }
      s.stop_requested = nullptr;  // asked once
    }
  }
  std::lock_guard join_lock(s.join_mutex);
  if (s.thread.joinable() && s.thread.get_id() != std::this_thread::get_id()) s.thread.join();
}

}  // namespace braid::http
