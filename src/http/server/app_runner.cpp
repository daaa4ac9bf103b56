#include "braid/http/app_runner.hpp"

#include <signal.h>
#include <time.h>

#include <future>
#include <mutex>
#include <ostream>

#include "braid/asyncio/event.hpp"
#include "braid/asyncio/event_loop.hpp"
#include "braid/asyncio/run.hpp"
#include "braid/asyncio/run_sharded.hpp"
#include "braid/asyncio/task_handle.hpp"
#include "braid/error.hpp"
#include "server/connection.hpp"
#include "server/server_core.hpp"

namespace braid::http {

std::vector<asyncio::socket_address> app_runner::addresses() const {
  if (!core_) throw invalid_state_error("app_runner: not started");
  return core_->server.addresses();
}

std::uint16_t app_runner::port() const {
  return addresses().at(0).port();
}

const server_stats& app_runner::stats() const noexcept {
  static const server_stats none;
  return core_ ? core_->stats : none;
}

std::size_t app_runner::connections() const noexcept {
  return core_ ? core_->open : 0;
}

asyncio::task<app_runner> start_app(application& app) {
  serve_options options;
  co_return co_await start_app(app, std::move(options));
}

asyncio::task<app_runner> start_app(application& app, serve_options options) {
  for (auto& hook : app.on_startup()) co_await hook(app);
  app.freeze();
  auto core = std::make_shared<detail::server_core>();
  core->app = &app;
  core->limits.max_line_size = options.max_line_size;
  core->limits.max_field_size = options.max_field_size;
  core->limits.max_headers = options.max_headers;
  core->limits.max_head_size = options.max_head_size;
  asyncio::server_options so;
  so.backlog = options.backlog;
  so.reuse_port = options.reuse_port;
  so.max_connections = options.max_connections;
  so.ssl = options.ssl;
  const std::string host = options.host;
  const std::uint16_t port = options.port;
  core->options = std::move(options);
  // The server keeps this function, so it holds the core weakly (see server_core).
  std::weak_ptr<detail::server_core> weak = core;
  asyncio::connection_handler handler = [weak](asyncio::stream_reader r, asyncio::stream_writer w) {
    return detail::serve_connection(weak, std::move(r), std::move(w));
  };
  core->server = co_await asyncio::start_server(std::move(handler), host, port, so);
  core->sweeper = asyncio::event_loop::running().create_task(detail::sweep_timeouts(weak),
                                                             "braid::http timeouts");
  co_return app_runner(std::move(core));
}

asyncio::task<void> app_runner::shutdown(std::chrono::nanoseconds grace) {
  if (!core_) co_return;
  auto core = core_;
  if (core->shutting_down) co_return;
  core->shutting_down = true;
  core->server.close();
  detail::close_idle_connections(*core);
  co_await core->server.shutdown(grace);
  core->sweeper.cancel();
  try {
    co_await std::move(core->sweeper);
  } catch (const asyncio::cancelled_error&) {
  }
  for (auto& hook : core->app->on_cleanup()) co_await hook(*core->app);
}

namespace {

// How the shards of run_app stop together: the first loop handles the signals and tells every
// other loop through call_soon_threadsafe.
struct stop_group {
  std::mutex mutex;
  std::vector<std::pair<asyncio::event_loop*, asyncio::event*>> loops;
  bool stopping = false;

  void join(asyncio::event_loop& loop, asyncio::event& ev) {
    std::lock_guard lock(mutex);
    if (stopping) ev.set();
    loops.emplace_back(&loop, &ev);
  }
  void stop_all() {
    std::lock_guard lock(mutex);
    stopping = true;
    for (auto [loop, ev] : loops) {
      asyncio::event* e = ev;
      loop->call_soon_threadsafe([e] { e->set(); });
    }
  }
  void leave(asyncio::event_loop& loop) {
    std::lock_guard lock(mutex);
    std::erase_if(loops, [&](const auto& p) { return p.first == &loop; });
  }
};

asyncio::task<void> serve_shard(application& app, serve_options options, std::size_t index,
                                stop_group& group, std::shared_future<std::uint16_t> first_port,
                                std::promise<std::uint16_t>* port_promise) {
  if (index > 0) options.port = first_port.get();  // every shard on the first one's port
  const auto grace = options.shutdown_timeout;
  auto on_listening = options.on_listening;
  app_runner runner;
  try {
    runner = co_await start_app(app, options);
  } catch (...) {
    if (port_promise) port_promise->set_exception(std::current_exception());
    throw;
  }
  if (port_promise) port_promise->set_value(runner.port());
  auto& loop = asyncio::event_loop::running();
  asyncio::event stop;
  group.join(loop, stop);
  if (index == 0) {
    loop.add_signal_handler(SIGINT, [&group] { group.stop_all(); });
    loop.add_signal_handler(SIGTERM, [&group] { group.stop_all(); });
  }
  if (on_listening) on_listening(index, runner.addresses());
  std::exception_ptr failure;
  try {
    co_await stop.wait();
  } catch (...) {
    failure = std::current_exception();  // cancelled: a sibling failed; still shut down
  }
  group.leave(loop);
  if (index == 0) {
    loop.remove_signal_handler(SIGINT);
    loop.remove_signal_handler(SIGTERM);
  }
  co_await runner.shutdown(grace);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

void run_app(application& app, serve_options options) {
  app.freeze();  // once, before any loop reads it
  stop_group group;
  std::promise<std::uint16_t> port_promise;
  std::shared_future<std::uint16_t> first_port = port_promise.get_future().share();
  asyncio::run_options ro;
  ro.handle_sigint = false;
  const std::size_t threads = options.threads == 0 ? 1 : options.threads;
  if (threads == 1) {
    asyncio::run(serve_shard(app, std::move(options), 0, group, first_port, &port_promise), ro);
    return;
  }
  options.reuse_port = true;
  asyncio::run_sharded(
      threads,
      [&](std::size_t i) {
        return serve_shard(app, options, i, group, first_port, i == 0 ? &port_promise : nullptr);
      },
      ro);
}

std::function<void(const access_log_entry&)> access_log_to(std::ostream& out) {
  return [&out](const access_log_entry& e) {
    const ::time_t now = ::time(nullptr);
    struct ::tm tm {};
    ::localtime_r(&now, &tm);
    char when[64];
    std::strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &tm);
    const auto host_end = e.remote.rfind(':');
    out << e.remote.substr(0, host_end) << " [" << when << "] \"" << e.method << ' ' << e.target
        << " HTTP/" << e.version_major << '.' << e.version_minor << "\" " << e.status << ' '
        << e.body_bytes << " \"" << (e.referer.empty() ? "-" : e.referer) << "\" \""
        << (e.user_agent.empty() ? "-" : e.user_agent) << "\"\n";
  };
}

}  // namespace braid::http
