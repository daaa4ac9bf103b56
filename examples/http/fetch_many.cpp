// The seed guides' "fetch many URLs with aiohttp.ClientSession and asyncio.gather", on braid:
//
//   async with aiohttp.ClientSession() as session:
//       pages = await asyncio.gather(*(fetch(session, u) for u in urls))
//
// Usage: fetch_many [BASE_URL]. Without a base URL it starts a tiny local HTTP server with
// braid's start_server and fetches from it, so it runs without the internet.
#include <cstdio>
#include <string>
#include <vector>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"

namespace asyncio = braid::asyncio;
namespace http = braid::http;

// A stand-in web server: answers every GET on a connection with its path (keep-alive).
asyncio::task<void> tiny_server(asyncio::stream_reader r, asyncio::stream_writer w) {
  for (;;) {
    std::string head;
    try {
      head = co_await r.read_until("\r\n\r\n");
    } catch (const asyncio::incomplete_read_error&) {
      co_return;  // the client closed the connection
    }
    const auto path = head.substr(4, head.find(' ', 4) - 4);
    const std::string body = "<html>page " + path + "</html>";
    w.write("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
    co_await w.drain();
  }
}

// [fetch]
// async def fetch(session, url): async with session.get(url) as r: return await r.text()
asyncio::task<std::string> fetch(http::client_session& session, std::string url) {
  http::client_response r = co_await session.get(std::move(url));
  r.raise_for_status();
  co_return co_await r.text();
}

asyncio::task<void> fetch_all(std::string base) {
  http::client_session session;  // one pool of keep-alive connections for every request
  std::vector<std::string> urls;
  for (int i = 1; i <= 5; ++i) urls.push_back(base + "/page/" + std::to_string(i));
  std::vector<asyncio::task<std::string>> tasks;
  for (const auto& u : urls) tasks.push_back(fetch(session, u));
  std::vector<std::string> pages = co_await asyncio::gather(std::move(tasks));
  for (std::size_t i = 0; i < urls.size(); ++i) {
    std::printf("%s: %zu bytes\n", urls[i].substr(base.size()).c_str(), pages[i].size());
  }
  const http::pool_stats stats = session.stats();
  std::printf("connections opened: %llu, requests: %zu\n",
              static_cast<unsigned long long>(stats.opened), urls.size());
  co_await session.close();
}
// [end fetch]

asyncio::task<void> main_task(std::string base) {
  if (!base.empty()) {
    co_await fetch_all(base);
    co_return;
  }
  asyncio::server srv = co_await asyncio::start_server(tiny_server, "127.0.0.1", 0);
  co_await fetch_all("http://127.0.0.1:" + std::to_string(srv.addresses().at(0).port()));
  srv.close();
  co_await srv.wait_closed();
}

int main(int argc, char** argv) {
  try {
    asyncio::run(main_task(argc > 1 ? argv[1] : ""));
  } catch (const http::client_error& e) {
    std::fprintf(stderr, "fetch failed (%s): %s\n", e.kind(), e.what());
    return 1;
  }
  std::printf("done\n");
}
