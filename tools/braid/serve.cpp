#include "serve.hpp"

#include <cstdio>
#include <exception>
#include <iostream>

#include "braid/http/app_runner.hpp"
#include "serve_app.hpp"

namespace braid::tool {

int run_serve(const serve_options& options) {
  try {
    http::serve_options so;
    const auto colon = options.bind.rfind(':');
    if (colon == std::string::npos) {
      std::cerr << "braid serve: --bind wants HOST:PORT, not '" << options.bind << "'\n";
      return 1;
    }
    so.host = options.bind.substr(0, colon);
    if (so.host.size() >= 2 && so.host.front() == '[')
      so.host = so.host.substr(1, so.host.size() - 2);
    const int port = std::stoi(options.bind.substr(colon + 1));
    if (port < 0 || port > 65535) {
      std::cerr << "braid serve: port out of range: " << port << "\n";
      return 1;
    }
    so.port = static_cast<std::uint16_t>(port);
    so.threads = options.threads;
    so.shutdown_timeout = std::chrono::seconds(10);
    if (options.access_log) so.access_log = http::access_log_to(std::clog);
    const std::string shown_host = options.bind.substr(0, colon);
    so.on_listening = [shown_host](std::size_t index,
                                   const std::vector<asyncio::socket_address>& addrs) {
      if (index != 0 || addrs.empty()) return;
      std::printf("listening on http://%s:%u\n", shown_host.c_str(),
                  static_cast<unsigned>(addrs.front().port()));
      std::fflush(stdout);
    };
    http::application app;
    add_demo_routes(app, options.root);
    http::run_app(app, std::move(so));
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "braid serve: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace braid::tool
