// `braid serve` end to end: the binary is started, its first line gives the address, curl
// fetches each endpoint, SIGTERM stops it with exit status 0. Skips without curl.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

child start_serve(std::vector<std::string> args) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  ::posix_spawn_file_actions_addclose(&fa, fds[0]);
  args.insert(args.begin(), {BRAID_BINARY, "serve"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  child c;
  EXPECT_EQ(::posix_spawn(&c.pid, BRAID_BINARY, &fa, nullptr, argv.data(), environ), 0);
  ::posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  c.out = ::fdopen(fds[0], "r");
  return c;
}

std::string first_line(child& c) {
  char line[256] = {};
  if (!std::fgets(line, sizeof line, c.out)) return {};
  return line;
}

std::string curl(const std::string& args) {
  std::string out;
  FILE* p = ::popen(("curl -s --max-time 10 " + args).c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

int stop(child& c) {
  ::kill(c.pid, SIGTERM);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  std::fclose(c.out);
  return status;
}

void check_endpoints(const std::vector<std::string>& extra) {
  if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no curl";
  std::vector<std::string> args = {"--bind", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  child c = start_serve(args);
  const std::string line = first_line(c);
  ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0u) << line;
  const std::string base = line.substr(13, line.size() - 14);  // without "listening on " and \n
  EXPECT_EQ(curl(base + "/plaintext"), "Hello, World!");
  EXPECT_EQ(curl(base + "/json"), R"({"message":"Hello, World!"})");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + base + "/status/503"), "503");
  EXPECT_EQ(curl(base + "/bytes/5"), "xxxxx");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + base + "/bytes/104857601"), "400");
  EXPECT_EQ(curl(base + "/delay/20"), "delayed 20 ms");
  EXPECT_EQ(curl("-o /dev/null -w '%{http_code}' " + base + "/nothing"), "404");
  const int status = stop(c);
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(BraidServe, ServesTheEndpointsAndStopsOnSigterm) {
  check_endpoints({});
}

TEST(BraidServe, ServesOnSeveralLoops) {
  check_endpoints({"--threads", "2"});
}

TEST(BraidServe, ServesARootDirectory) {
  if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no curl";
  char tmpl[] = "/tmp/braid-serve-root-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    FILE* f = std::fopen((dir + "/index.html").c_str(), "w");
    std::fputs("<h1>root</h1>", f);
    std::fclose(f);
  }
  child c = start_serve({"--bind", "127.0.0.1:0", "--root", dir});
  const std::string line = first_line(c);
  const std::string base = line.substr(13, line.size() - 14);
  EXPECT_EQ(curl(base + "/index.html"), "<h1>root</h1>");
  EXPECT_EQ(curl(base + "/"), "<h1>root</h1>");
  EXPECT_EQ(curl(base + "/plaintext"), "Hello, World!");  // the endpoints come first
  const int status = stop(c);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(BraidServe, ABusyPortIsAnErrorNotAHang) {
  child a = start_serve({"--bind", "127.0.0.1:0"});
  const std::string line = first_line(a);
  const std::string port = line.substr(line.rfind(':') + 1, line.size() - line.rfind(':') - 2);
  child b = start_serve({"--bind", "127.0.0.1:" + port});
  int status = 0;
  ::waitpid(b.pid, &status, 0);
  std::fclose(b.out);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(WEXITSTATUS(stop(a)), 0);
}

}  // namespace
