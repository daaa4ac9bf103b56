// Files and static directories: sendfile, Range (206, 416), HEAD, and path traversal out of
// the root (.., encoded dots and slashes, NUL, symbolic links), plus TLS, where files go
// through reads and writes since the kernel cannot encrypt.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "../asyncio/net_test_support.hpp"
#include "../asyncio/test_certs.hpp"
#include "server_test_support.hpp"

namespace braid::http {
namespace {

using namespace std::chrono_literals;
using asyncio::task;
using test::exchange;
using test::loopback_options;

// A temporary tree: root/{hello.txt,big.bin,sub/index.html,inner -> hello.txt,escape ->
// ../secret.txt} and secret.txt next to root.
struct tree {
  std::string base, root;
  std::string big;
  tree() {
    char tmpl[] = "/tmp/braid-http-files-XXXXXX";
    base = ::mkdtemp(tmpl);
    root = base + "/root";
    ::mkdir(root.c_str(), 0755);
    ::mkdir((root + "/sub").c_str(), 0755);
    write(root + "/hello.txt", "Hello, file!\n");
    write(root + "/sub/index.html", "<p>index</p>");
    write(base + "/secret.txt", "SECRET");
    big.resize(3 * 1024 * 1024 + 7);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
    write(root + "/big.bin", big);
    EXPECT_EQ(::symlink("hello.txt", (root + "/inner").c_str()), 0);
    EXPECT_EQ(::symlink("../secret.txt", (root + "/escape").c_str()), 0);
  }
  ~tree() { std::system(("rm -rf '" + base + "'").c_str()); }
  static void write(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary) << data;
  }
};

tree* files = nullptr;

task<response> big_file(request&) {
  co_return response::file(files->root + "/big.bin");
}

template <class Client>
task<void> with_files(serve_options options, Client client) {
  application app;
  app.router().add_get("/big", big_file);
  app.router().add_static("/static", files->root);
  app_runner runner = co_await start_app(app, options);
  co_await client(runner);
  co_await runner.shutdown(1s);
}

class HttpFiles : public ::testing::Test {
 protected:
  void SetUp() override { files = &tree_; }
  void TearDown() override { files = nullptr; }
  tree tree_;
};

void run(task<void> t) {
  asyncio::test::run_checking_descriptors(std::move(t));
}

std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? std::string() : response.substr(at + 4);
}

TEST_F(HttpFiles, ServesStaticFilesWithTypesAndIndex) {
  run(with_files(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a = co_await exchange(s.port(), "GET /static/hello.txt HTTP/1.1\r\n\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << a;
    EXPECT_NE(a.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    EXPECT_NE(a.find("Accept-Ranges: bytes\r\n"), std::string::npos);
    EXPECT_NE(a.find("Last-Modified: "), std::string::npos);
    EXPECT_EQ(body_of(a), "Hello, file!\n");
    std::string b = co_await exchange(s.port(), "GET /static/sub/ HTTP/1.1\r\n\r\n");
    EXPECT_EQ(body_of(b), "<p>index</p>") << b;
    std::string c = co_await exchange(s.port(), "GET /static/inner HTTP/1.1\r\n\r\n");
    EXPECT_EQ(body_of(c), "Hello, file!\n") << c;  // a link that stays inside is fine
    std::string d = co_await exchange(s.port(), "HEAD /static/hello.txt HTTP/1.1\r\n\r\n");
    EXPECT_NE(d.find("Content-Length: 13\r\n"), std::string::npos) << d;
    EXPECT_EQ(body_of(d), "");
    std::string e = co_await exchange(s.port(), "GET /static/missing HTTP/1.1\r\n\r\n");
    EXPECT_EQ(e.rfind("HTTP/1.1 404 ", 0), 0u) << e;
  }));
}

TEST_F(HttpFiles, NoPathLeavesTheRoot) {
  run(with_files(loopback_options(), [](app_runner& s) -> task<void> {
    const char* attacks[] = {
        "/static/../secret.txt",     "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt", "/static/sub/../../secret.txt",
        "/static/..%2fsecret.txt",   "/static/sub%2f..%2f..%2fsecret.txt",
        "/static/..%5csecret.txt",   "/static/escape",
        "/static/hello.txt%00.html", "/static/.%2e/secret.txt",
        "/static//../secret.txt",    "/static/sub/%2e%2e/%2e%2e/secret.txt",
    };
    for (const char* path : attacks) {
      std::string got =
          co_await exchange(s.port(), std::string("GET ") + path + " HTTP/1.1\r\n\r\n");
      EXPECT_EQ(got.find("SECRET"), std::string::npos) << path << " -> " << got;
      EXPECT_TRUE(got.rfind("HTTP/1.1 404 ", 0) == 0 || got.rfind("HTTP/1.1 400 ", 0) == 0)
          << path << " -> " << got;
    }
  }));
}

TEST_F(HttpFiles, AnswersRanges) {
  run(with_files(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a =
        co_await exchange(s.port(), "GET /static/hello.txt HTTP/1.1\r\nRange: bytes=0-4\r\n\r\n");
    EXPECT_EQ(a.rfind("HTTP/1.1 206 Partial Content\r\n", 0), 0u) << a;
    EXPECT_NE(a.find("Content-Range: bytes 0-4/13\r\n"), std::string::npos) << a;
    EXPECT_EQ(body_of(a), "Hello");
    std::string b =
        co_await exchange(s.port(), "GET /static/hello.txt HTTP/1.1\r\nRange: bytes=-6\r\n\r\n");
    EXPECT_EQ(body_of(b), "file!\n") << b;
    std::string c =
        co_await exchange(s.port(), "GET /static/hello.txt HTTP/1.1\r\nRange: bytes=7-\r\n\r\n");
    EXPECT_EQ(body_of(c), "file!\n") << c;
    std::string d = co_await exchange(
        s.port(), "GET /static/hello.txt HTTP/1.1\r\nRange: bytes=100-200\r\n\r\n");
    EXPECT_EQ(d.rfind("HTTP/1.1 416 ", 0), 0u) << d;
    EXPECT_NE(d.find("Content-Range: bytes */13\r\n"), std::string::npos) << d;
    // A big range over sendfile, pipelined behind a small request.
    std::string e = co_await exchange(s.port(),
                                      "GET /static/hello.txt HTTP/1.1\r\n\r\n"
                                      "GET /big HTTP/1.1\r\nRange: bytes=1000000-2999999\r\n\r\n");
    const auto second = e.find("HTTP/1.1 206");
    EXPECT_NE(second, std::string::npos);
    if (second == std::string::npos) co_return;
    EXPECT_EQ(body_of(e.substr(second)), files->big.substr(1000000, 2000000));
  }));
}

TEST_F(HttpFiles, SendsAWholeBigFile) {
  run(with_files(loopback_options(), [](app_runner& s) -> task<void> {
    std::string a =
        co_await exchange(s.port(), "GET /big HTTP/1.1\r\n\r\nGET /big HTTP/1.1\r\n\r\n");
    const std::string head = "Content-Length: " + std::to_string(files->big.size()) + "\r\n";
    EXPECT_EQ(test::count(a, head), 2u);
    const auto second = a.find("HTTP/1.1 200", 10);
    EXPECT_NE(second, std::string::npos);
    if (second == std::string::npos) co_return;
    EXPECT_EQ(body_of(a.substr(0, second)), files->big);
    EXPECT_EQ(body_of(a.substr(second)), files->big);
  }));
}

asyncio::test::test_certs* certs = nullptr;

TEST_F(HttpFiles, ServesOverTls) {
  asyncio::test::test_certs made;
  certs = &made;
  auto main = []() -> task<void> {
    serve_options o = loopback_options();
    o.ssl = asyncio::ssl_context::server(certs->server.cert, certs->server.key);
    application app;
    app.router().add_get("/big", big_file);
    app.router().add_static("/static", files->root);
    app_runner runner = co_await start_app(app, o);
    asyncio::connect_options co;
    co.ssl = asyncio::ssl_context::client();
    co.ssl->load_verify_locations(certs->ca_file);
    co.server_hostname = "localhost";
    auto [reader, writer] = co_await asyncio::open_connection("127.0.0.1", runner.port(), co);
    writer.write(
        "GET /static/hello.txt HTTP/1.1\r\n\r\nGET /big HTTP/1.1\r\nConnection: close\r\n\r\n");
    std::string all = co_await reader.read();
    EXPECT_EQ(all.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << all.substr(0, 200);
    EXPECT_NE(all.find("Hello, file!\n"), std::string::npos);
    const auto second = all.find("HTTP/1.1 200", 10);
    EXPECT_NE(second, std::string::npos);
    if (second == std::string::npos) co_return;
    EXPECT_EQ(body_of(all.substr(second)), files->big);
    writer.close();
    co_await writer.wait_closed();
    co_await runner.shutdown(1s);
  };
  run(main());
  certs = nullptr;
}

}  // namespace
}  // namespace braid::http
