#pragma once
// A local stand-in for the web servers the seed guides fetch from (api.example.com's stock
// prices, example.com's pages), so the ports make real HTTP requests without the internet:
// braid::http's server on a thread of its own, on a free loopback port, answering after a short
// delay like a distant server would.
//
//   GET /stock/{symbol}  ->  {"symbol": "AAPL", "price": 187.25}
//   GET /{anything}      ->  an HTML page naming the path
//
// local(url) maps a guide's URL ("https://api.example.com/stock/AAPL") to the same path on the
// stand-in ("http://127.0.0.1:PORT/stock/AAPL"), so the programs keep the guides' URLs.

#include <chrono>
#include <string>
#include <string_view>

#include <braid/asyncio.hpp>
#include <braid/http.hpp>

namespace example {

namespace detail {

inline braid::asyncio::task<braid::http::response> stock(braid::http::request& request) {
  co_await braid::asyncio::sleep(std::chrono::milliseconds(5));  // the network's round trip
  const std::string symbol(request.match_info().get("symbol"));
  double price = 100;
  for (char c : symbol) price += static_cast<unsigned char>(c) % 10;
  co_return braid::http::response::json("{\"symbol\": \"" + symbol +
                                        "\", \"price\": " + std::to_string(price) + "}");
}

inline braid::asyncio::task<braid::http::response> page(braid::http::request& request) {
  co_await braid::asyncio::sleep(std::chrono::milliseconds(5));
  co_return braid::http::response::text(
      "<html><body>" + std::string(request.path()) + "</body></html>", 200, "text/html");
}

}  // namespace detail

/// requests.get(url).status_code: one GET that blocks the calling thread until the body is read
/// (braid::http's client on an event loop of its own, as requests opens a connection per call).
inline int blocking_get_status(const std::string& url) {
  auto get = [](std::string u) -> braid::asyncio::task<int> {
    braid::http::client_session session;
    braid::http::client_response response = co_await session.get(std::move(u));
    co_await response.read();
    co_return response.status();
  };
  const braid::asyncio::run_options options{.handle_sigint = false};
  return braid::asyncio::run(get(url), options);
}

class local_api {
 public:
  local_api()
      : server_([](braid::http::application& app) {
          app.router().add_get("/stock/{symbol}", detail::stock);
          app.router().add_get("/{path:.*}", detail::page);
        }) {}

  /// The guide's URL, pointed at this server: scheme and host replaced, path kept.
  std::string local(std::string_view url) const {
    const auto scheme_end = url.find("://");
    const auto path_start =
        scheme_end == std::string_view::npos ? 0 : url.find('/', scheme_end + 3);
    const std::string host = std::string(url.substr(
        scheme_end + 3, path_start == std::string_view::npos ? std::string_view::npos
                                                             : path_start - scheme_end - 3));
    std::string path = path_start == std::string_view::npos ? std::string("/")
                                                            : std::string(url.substr(path_start));
    // Pages of a site with no path (example.com) are told apart by the host.
    if (path == "/" && host.find("api.") != 0) path = "/" + host;
    return server_.url(path);
  }

 private:
  braid::http::background_server server_;
};

}  // namespace example
