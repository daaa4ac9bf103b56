// A web application on one loop (aiohttp.web's hello world), which then calls itself once and
// stops:
//
//   async def hello(request):
//       return web.Response(text=f"Hello, {request.match_info.get('name', 'World')}!")
//
//   app = web.Application(middlewares=[server_header])
//   app.add_routes([web.get('/', hello), web.get('/{name}', hello)])
//   runner = web.AppRunner(app); await runner.setup()
//   site = web.TCPSite(runner, '127.0.0.1', 0); await site.start()
#include <braid/asyncio.hpp>
#include <braid/http.hpp>

#include <cstdio>
#include <string>

namespace asyncio = braid::asyncio;
namespace http = braid::http;
using namespace std::chrono_literals;

// [app]
asyncio::task<http::response> hello(http::request& request) {
  std::string name(request.match_info().get("name"));
  if (name.empty()) name = "World";
  co_return http::response::text("Hello, " + name + "!");
}

asyncio::task<http::response> add(http::request& request) {
  http::query_params form = co_await request.post();  // a=1&b=2
  int sum = 0;
  for (const auto& [key, value] : form) sum += std::stoi(value);
  co_return http::response::json("{\"sum\":" + std::to_string(sum) + "}");
}

// A middleware: runs around every handler, the 404s included.
asyncio::task<http::response> handled_by(http::request& request, const http::handler& next) {
  http::response response = co_await next(request);
  response.headers().set("X-Handled-By", "braid");
  co_return response;
}

void build(http::application& app) {
  app.router().add_get("/", hello);
  app.router().add_get("/{name}", hello);
  app.router().add_post("/add", add);
  app.add_middleware(handled_by);
}
// [end app]

// A raw HTTP/1.1 client: one request, the whole answer (the server closes after it).
asyncio::task<std::string> fetch(std::uint16_t port, std::string request) {
  auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", port);
  writer.write(request);
  std::string answer = co_await reader.read();
  writer.close();
  co_await writer.wait_closed();
  co_return answer;
}

std::string body_of(const std::string& answer) {
  return answer.substr(answer.find("\r\n\r\n") + 4);
}

// [serve]
asyncio::task<void> main_task() {
  http::application app;
  build(app);
  http::serve_options options;
  options.host = "127.0.0.1";
  options.port = 0;  // the kernel picks a free port: runner.port() says which
  http::app_runner runner = co_await http::start_app(app, options);

  std::string a = co_await fetch(runner.port(), "GET /braid HTTP/1.1\r\nConnection: close\r\n\r\n");
  std::printf("%s\n", body_of(a).c_str());
  std::string b = co_await fetch(runner.port(),
                                 "POST /add HTTP/1.1\r\nConnection: close\r\n"
                                 "Content-Type: application/x-www-form-urlencoded\r\n"
                                 "Content-Length: 7\r\n\r\na=1&b=2");
  std::printf("%s\n", body_of(b).c_str());
  std::printf("middleware ran: %s\n",
              b.find("X-Handled-By: braid") != std::string::npos ? "yes" : "no");

  co_await runner.shutdown(5s);  // graceful: in-flight requests get 5 s
}
// [end serve]

int main() {
  asyncio::run(main_task());
}
