#pragma once
// A test helper: a DNS server on 127.0.0.1 (UDP and TCP on one random port) answering from a
// table, on its own threads with blocking sockets. It knows just enough of the wire format for
// c-ares's queries: one question, A and AAAA records, NXDOMAIN, and names it never answers (for
// timeouts). It counts the queries it receives.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace braid::asyncio::test {

class fake_dns_server {
 public:
  struct records {
    std::vector<std::string> a;     // "10.0.0.1"
    std::vector<std::string> aaaa;  // "fd00::1"
    std::uint32_t ttl = 300;
  };

  /// Binds and starts the thread. Throws std::system_error.
  fake_dns_server();
  /// Stops the thread and closes the socket.
  ~fake_dns_server();
  fake_dns_server(const fake_dns_server&) = delete;
  fake_dns_server& operator=(const fake_dns_server&) = delete;

  /// "127.0.0.1:<port>", for resolve_options::name_servers.
  std::string address() const;
  std::uint16_t port() const { return port_; }

  /// What the server answers for `name` (case-insensitive, no trailing dot). Names it has no
  /// entry for get NXDOMAIN. Thread-safe.
  void add(const std::string& name, records r);
  /// Queries for `name` are counted and never answered. Thread-safe.
  void never_answer(const std::string& name);
  /// Over UDP, queries for `name` get an empty answer with the TC (truncated) bit set, which
  /// tells the resolver to ask again over TCP, where the full answer comes. Thread-safe.
  void truncate_over_udp(const std::string& name);
  /// Queries received so far (answered or not), over both transports. Thread-safe.
  int queries() const { return queries_.load(); }
  /// Queries received over TCP. Thread-safe.
  int tcp_queries() const { return tcp_queries_.load(); }

 private:
  void serve();
  void serve_tcp();
  std::vector<unsigned char> answer(const unsigned char* q, std::size_t n, bool& reply, bool tcp);

  int fd_ = -1;
  int tcp_fd_ = -1;
  std::atomic<int> tcp_connection_{-1};  // the connection serve_tcp reads, for the destructor
  std::atomic<int> tcp_queries_{0};
  std::set<std::string> truncated_;  // guarded by mutex_
  std::thread tcp_thread_;
  std::uint16_t port_ = 0;
  std::atomic<int> queries_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::map<std::string, records> table_;  // guarded by mutex_
  std::set<std::string> silent_;          // guarded by mutex_
  std::thread thread_;
};

}  // namespace braid::asyncio::test
