#pragma once
/// \file
/// braid::http::background_server: an application served on a thread of its own, with its own
/// event loop, for tests, tools and programs whose main thread does something else (aiohttp's
/// test_utils.TestServer plays this part in Python's tests). `braid compare` serves its http
/// workload this way, and the examples their stand-in for a remote API.
///
/// ```
/// http::background_server api([](http::application& app) {
///   app.router().add_get("/hello", hello);
/// });
/// // ... requests to api.url("/hello") from any thread or loop ...
/// ```   (the destructor stops it)

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "braid/http/app_runner.hpp"
#include "braid/http/application.hpp"

namespace braid::http {

class background_server {
 public:
  /// Starts a thread that runs an event loop, calls `build(app)` there to add routes and
  /// middlewares, and serves the application with `options` (by default 127.0.0.1 on a port the
  /// kernel picks). Returns once the server listens. Throws what build() or start_app throws
  /// (os_error for a port in use, ...), and what starting a thread throws.
  explicit background_server(std::function<void(application&)> build, serve_options options);
  explicit background_server(std::function<void(application&)> build);
  /// stop()s it.
  ~background_server();
  background_server(const background_server&) = delete;
  background_server& operator=(const background_server&) = delete;

  /// The port it listens on. Thread-safe.
  std::uint16_t port() const noexcept;
  /// "http://127.0.0.1:PORT" followed by `path` (the host the options named, in brackets for
  /// IPv6). Thread-safe.
  std::string url(std::string_view path = "") const;

  /// Shuts the server down gracefully (in-flight requests get `grace`, see app_runner::shutdown)
  /// and joins its thread. Thread-safe, idempotent; must not be called from the server's own
  /// loop (it would wait for itself). Never throws.
  void stop(std::chrono::nanoseconds grace = std::chrono::seconds(1)) noexcept;

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace braid::http
