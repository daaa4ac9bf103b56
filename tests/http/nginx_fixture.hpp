#pragma once
// Runs Debian's nginx for a test: a temporary prefix with its own config, listening on free
// loopback ports (plain, TLS with a test certificate, TLS with an unknown CA's certificate),
// gzip on. Skips when /usr/sbin/nginx is missing. Stopped (SIGTERM, waited for) at the end.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "../asyncio/test_certs.hpp"

extern char** environ;

namespace braid::http::test {

inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<::sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<::sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ::sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<::sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class nginx_server {
 public:
  static constexpr const char* binary = "/usr/sbin/nginx";
  static bool available() { return ::access(binary, X_OK) == 0; }

  /// `extra_http`: more directives for the http block. Throws std::runtime_error if nginx does
  /// not start listening within 5 s.
  explicit nginx_server(const std::string& extra_http = "") {
    char tmpl[] = "/tmp/braid-nginx-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    http_port = free_port();
    tls_port = free_port();
    rogue_port = free_port();
    std::string big;
    for (int i = 0; i < 200; ++i) big += "braid gzip line " + std::to_string(i) + ";";
    gzip_body = big;
    std::ofstream conf(dir_ + "/nginx.conf");
    conf
        << "daemon off; master_process off; worker_processes 1;\n"
        << "error_log stderr; pid " << dir_ << "/nginx.pid;\n"
        << "events { worker_connections 1024; }\n"
        << "http {\n  access_log off; default_type text/plain;\n"
        << "  client_body_temp_path " << dir_ << "/body; proxy_temp_path " << dir_
        << "/proxy; fastcgi_temp_path " << dir_ << "/fcgi; uwsgi_temp_path " << dir_
        << "/uwsgi; scgi_temp_path " << dir_ << "/scgi;\n"
        << "  gzip on; gzip_types text/plain; gzip_min_length 0;\n"
        << "  keepalive_requests 100000;\n"
        << extra_http << "\n"
        << "  server {\n    listen 127.0.0.1:" << http_port << ";\n"
        << "    location = / { add_header X-Conn $connection always; return 200 \"Hello, World!\"; "
           "}\n"
        << "    location = /gz { return 200 \"" << big << "\"; }\n"
        << "    location = /r1 { return 302 /r2; }\n"
        << "    location = /r2 { return 301 /; }\n"
        << "    location = /cookie { add_header Set-Cookie \"n=v; Path=/\"; return 200 \"set\"; }\n"
        << "    location = /echo-cookie { return 200 \"$http_cookie\"; }\n"
        << "  }\n"
        << "  server {\n    listen 127.0.0.1:" << tls_port << " ssl;\n"
        << "    ssl_certificate " << certs.server.cert << "; ssl_certificate_key "
        << certs.server.key << ";\n    location / { return 200 \"tls\"; }\n  }\n"
        << "  server {\n    listen 127.0.0.1:" << rogue_port << " ssl;\n"
        << "    ssl_certificate " << certs.rogue.cert << "; ssl_certificate_key " << certs.rogue.key
        << ";\n    location / { return 200 \"rogue\"; }\n  }\n"
        << "}\n";
    conf.close();
    const std::string log = dir_ + "/stderr.log";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::string conf_path = dir_ + "/nginx.conf";
    std::string prefix = dir_ + "/";
    char* argv[] = {const_cast<char*>(binary), const_cast<char*>("-p"), prefix.data(),
                    const_cast<char*>("-c"),   conf_path.data(),        nullptr};
    if (posix_spawn(&pid_, binary, &fa, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    // Waiting for an outside process to listen: poll, bounded.
    for (int i = 0; i < 500 && pid_ > 0; ++i) {
      if (accepts(http_port) && accepts(tls_port) && accepts(rogue_port)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop();
    throw std::runtime_error("nginx did not start; see " + log);
  }
  ~nginx_server() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  nginx_server(const nginx_server&) = delete;
  nginx_server& operator=(const nginx_server&) = delete;

  std::string http_base() const { return "http://127.0.0.1:" + std::to_string(http_port); }

  asyncio::test::test_certs certs;
  std::uint16_t http_port = 0, tls_port = 0, rogue_port = 0;
  std::string gzip_body;

 private:
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  std::string dir_;
  pid_t pid_ = -1;
};

}  // namespace braid::http::test
