#pragma once
/// \file
/// braid::http::application: a web application (aiohttp's web.Application): a router,
/// middlewares around every handler, and startup/cleanup hooks. Served by start_app() or
/// run_app() (braid/http/app_runner.hpp).
///
/// Build it (routes, middlewares, hooks) before serving; the server then only reads it, so one
/// application may be served by several loops at once (run_app with threads > 1): its handlers
/// must then be safe to run on several threads.

#include <functional>
#include <vector>

#include "braid/asyncio/task.hpp"
#include "braid/http/request.hpp"
#include "braid/http/response.hpp"
#include "braid/http/router.hpp"

namespace braid::http {

class application;

/// A middleware (aiohttp's @web.middleware): gets the request and the next handler of the chain,
/// returns the response. The first added is the outermost. `next` lives as long as the server.
using middleware = std::function<asyncio::task<response>(request&, const handler& next)>;
/// An on_startup or on_cleanup hook (aiohttp's app.on_startup.append(coro)).
using app_hook = std::function<asyncio::task<void>(application&)>;

class application {
 public:
  application();
  ~application();
  application(const application&) = delete;
  application& operator=(const application&) = delete;

  http::router& router() noexcept { return router_; }
  /// Appends a middleware (aiohttp's middlewares=[...]). Throws invalid_state_error once frozen.
  void add_middleware(middleware m);
  /// Hooks run in order by start_app before the server listens (on each loop's thread when
  /// run_app runs several), and by app_runner::shutdown after the last connection closed.
  std::vector<app_hook>& on_startup() noexcept { return on_startup_; }
  std::vector<app_hook>& on_cleanup() noexcept { return on_cleanup_; }

  /// Builds the middleware chain; start_app calls it. Adding middlewares afterwards throws.
  void freeze();
  bool frozen() const noexcept { return frozen_; }
  /// The whole chain: middlewares around route dispatch. Valid once frozen.
  const handler& entry() const noexcept { return entry_; }

 private:
  http::router router_;
  std::vector<middleware> middlewares_;
  std::vector<app_hook> on_startup_, on_cleanup_;
  std::vector<std::unique_ptr<handler>> chain_;  // the composed links, stable addresses
  handler entry_;
  bool frozen_ = false;
};

}  // namespace braid::http
