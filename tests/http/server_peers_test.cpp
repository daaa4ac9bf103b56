// The server against real clients on loopback, each run as a child process while the server
// runs on the test's loop: curl (keep-alive reuse, 100-continue, ranges), Python's http.client,
// aiohttp's client, and headless chromium loading a page. Each skips when its peer is missing
// and is bounded by the peer's own timeout and a wait_for.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "../asyncio/net_test_support.hpp"
#include "server_test_support.hpp"

namespace braid::http {
namespace {

using namespace std::chrono_literals;
using asyncio::task;

bool have(const char* path) {
  return ::access(path, X_OK) == 0;
}

task<response> hello(request&) {
  co_return response::text("Hello, World!");
}
task<response> echo(request& r) {
  std::string body = co_await r.read();
  co_return response::text("got " + std::to_string(body.size()));
}
task<response> page(request&) {
  co_return response::text(
      "<!doctype html><html><head><title>braid</title></head><body><p id=\"x\">served by "
      "braid</p><script>document.getElementById('x').textContent += ' and scripted';</script>"
      "</body></html>",
      200, "text/html; charset=utf-8");
}
task<response> json(request&) {
  co_return response::json(R"({"message":"Hello, World!"})");
}

struct peer_result {
  int status = -1;
  std::string out, err;
};

// Runs `program args` with stdout and stderr piped, for at most 20 s.
task<peer_result> run_peer(std::string program, std::vector<std::string> args) {
  asyncio::subprocess_options o;
  o.stdout_mode = asyncio::stdio::pipe();
  o.stderr_mode = asyncio::stdio::pipe();
  o.stdin_mode = asyncio::stdio::devnull();
  asyncio::process p = co_await asyncio::create_subprocess_exec(program, args, o);
  peer_result r;
  try {
    asyncio::communicate_result c = co_await asyncio::wait_for(p.communicate(), 20s);
    r.out = std::move(c.out);
    r.err = std::move(c.err);
  } catch (const asyncio::timeout_error&) {
    p.kill();
  }
  r.status = co_await p.wait();
  co_return r;
}

template <class Client>
task<void> with_app(Client client) {
  application app;
  app.router().add_get("/", hello);
  app.router().add_post("/echo", echo);
  app.router().add_get("/page", page);
  app.router().add_get("/json", json);
  app_runner runner = co_await start_app(app, test::loopback_options());
  const std::string base = "http://127.0.0.1:" + std::to_string(runner.port());
  co_await client(base, runner);
  co_await runner.shutdown(2s);
}

void run(task<void> t) {
  asyncio::test::run_checking_descriptors(std::move(t));
}

TEST(HttpPeers, CurlReusesTheConnection) {
  if (!have("/usr/bin/curl")) GTEST_SKIP() << "no curl";
  run(with_app([](std::string base, app_runner& s) -> task<void> {
    std::vector<std::string> args = {"-sv", "--http1.1", "--max-time",
                                     "10",  base + "/",  base + "/"};
    peer_result r = co_await run_peer("/usr/bin/curl", args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Hello, World!Hello, World!");
    EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
    EXPECT_EQ(s.stats().connections, 1u);
  }));
}

TEST(HttpPeers, CurlSendsABodyAfter100Continue) {
  if (!have("/usr/bin/curl")) GTEST_SKIP() << "no curl";
  run(with_app([](std::string base, app_runner&) -> task<void> {
    std::vector<std::string> args = {"-sv",
                                     "--http1.1",
                                     "--max-time",
                                     "10",
                                     "-H",
                                     "Expect: 100-continue",
                                     "--data-binary",
                                     std::string(5000, 'z'),
                                     base + "/echo"};
    peer_result r = co_await run_peer("/usr/bin/curl", args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "got 5000");
    EXPECT_NE(r.err.find("HTTP/1.1 100 Continue"), std::string::npos) << r.err;
  }));
}

TEST(HttpPeers, CurlAsksForARange) {
  if (!have("/usr/bin/curl")) GTEST_SKIP() << "no curl";
  run(with_app([](std::string, app_runner&) -> task<void> {
    char tmpl[] = "/tmp/braid-http-peer-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    { std::ofstream(dir + "/f.txt") << "0123456789"; }
    // the static route is added on a second app: this one is frozen already
    application app;
    app.router().add_static("/s", dir);
    app_runner files = co_await start_app(app, test::loopback_options());
    const std::string url = "http://127.0.0.1:" + std::to_string(files.port()) + "/s/f.txt";
    std::vector<std::string> args = {"-s", "--max-time", "10", "-r", "2-5", url};
    peer_result r = co_await run_peer("/usr/bin/curl", args);
    EXPECT_EQ(r.out, "2345");
    co_await files.shutdown(1s);
    std::system(("rm -rf '" + dir + "'").c_str());
  }));
}

TEST(HttpPeers, PythonHttpClient) {
  if (!have("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  run(with_app([](std::string base, app_runner& s) -> task<void> {
    const std::string script = R"(
import http.client, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
for _ in range(3):
    c.request("GET", "/")
    r = c.getresponse()
    print(r.status, r.read().decode())
c.request("POST", "/echo", body=b"x" * 1000)
r = c.getresponse()
print(r.status, r.read().decode())
c.request("HEAD", "/")
r = c.getresponse()
print(r.status, r.getheader("Content-Length"), len(r.read()))
)";
    std::vector<std::string> args = {"-c", script, base};  // (no braces inside co_await: g++ 12)
    peer_result r = co_await run_peer("/usr/bin/python3", args);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out,
              "200 Hello, World!\n200 Hello, World!\n200 Hello, World!\n200 got 1000\n200 13 0\n");
    EXPECT_EQ(s.stats().connections, 1u);
  }));
}

TEST(HttpPeers, AiohttpClient) {
  if (!have("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  run(with_app([](std::string base, app_runner&) -> task<void> {
    const std::string script = R"(
import asyncio, sys
try:
    import aiohttp
except ImportError:
    print("SKIP"); sys.exit(0)
async def main():
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as s:
        async with s.get(sys.argv[1] + "/json") as r:
            print(r.status, await r.json())
        async def one(i):
            async with s.post(sys.argv[1] + "/echo", data=b"y" * i) as r:
                return await r.text()
        print(await asyncio.gather(*(one(i) for i in range(1, 21))) == ["got %d" % i for i in range(1, 21)])
asyncio.run(main())
)";
    std::vector<std::string> args = {"-c", script, base};  // (no braces inside co_await: g++ 12)
    peer_result r = co_await run_peer("/usr/bin/python3", args);
    EXPECT_EQ(r.status, 0) << r.err;
    if (r.out == "SKIP\n") co_return;
    EXPECT_EQ(r.out, "200 {'message': 'Hello, World!'}\nTrue\n") << r.err;
  }));
}

TEST(HttpPeers, HeadlessChromiumLoadsAPage) {
  if (!have("/usr/bin/chromium")) GTEST_SKIP() << "no chromium";
  run(with_app([](std::string base, app_runner&) -> task<void> {
    char tmpl[] = "/tmp/braid-chromium-XXXXXX";
    const std::string profile = ::mkdtemp(tmpl);
    std::vector<std::string> args = {"--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--user-data-dir=" + profile,
                                     "--timeout=10000",
                                     "--dump-dom",
                                     base + "/page"};
    peer_result r = co_await run_peer("/usr/bin/chromium", args);
    std::system(("rm -rf '" + profile + "'").c_str());
    EXPECT_NE(r.out.find("served by braid and scripted"), std::string::npos)
        << r.out << "\n"
        << r.err.substr(0, 2000);
  }));
}

}  // namespace
}  // namespace braid::http
