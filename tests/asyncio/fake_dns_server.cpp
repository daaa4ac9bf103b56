#include "fake_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <system_error>

namespace braid::asyncio::test {

namespace {
constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_aaaa = 28;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
void put16(std::vector<unsigned char>& out, std::uint16_t v) {
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v & 0xff));
}
void put32(std::vector<unsigned char>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
}
}  // namespace

namespace {
// Binds a UDP and a TCP socket (listening) to one free port number on 127.0.0.1. The kernel
// picks the TCP port; UDP then asks for the same number, which another program may hold:
// then it tries again with a new one.
std::uint16_t bind_pair(int& udp, int& tcp) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (tcp < 0 || udp < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(tcp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(tcp, reinterpret_cast<sockaddr*>(&a), &len) == 0 && ::listen(tcp, 8) == 0 &&
        ::bind(udp, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      return ntohs(a.sin_port);
    }
    const int e = errno;
    ::close(tcp);
    ::close(udp);
    if (e != EADDRINUSE) throw std::system_error(e, std::generic_category(), "bind");
  }
  throw std::system_error(EADDRINUSE, std::generic_category(), "bind: no free port pair");
}
}  // namespace

fake_dns_server::fake_dns_server() {
  port_ = bind_pair(fd_, tcp_fd_);
  thread_ = std::thread([this] { serve(); });
  tcp_thread_ = std::thread([this] { serve_tcp(); });
}

fake_dns_server::~fake_dns_server() {
  stop_ = true;
  // Wake the blocking recvfrom: shutdown() makes it return 0 on Linux.
  ::shutdown(fd_, SHUT_RDWR);
  thread_.join();
  ::close(fd_);
  // A blocked accept() or read() returns once its socket is shut down.
  ::shutdown(tcp_fd_, SHUT_RDWR);
  {
    // Under the lock, so the number cannot be closed (and reused) between the load and here.
    std::lock_guard lock(mutex_);
    const int c = tcp_connection_.load();
    if (c >= 0) ::shutdown(c, SHUT_RDWR);
  }
  tcp_thread_.join();
  ::close(tcp_fd_);
}

void fake_dns_server::truncate_over_udp(const std::string& name) {
  std::lock_guard lock(mutex_);
  truncated_.insert(lower(name));
}

namespace {
bool read_all(int fd, unsigned char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}
}  // namespace

// DNS over TCP (RFC 1035 4.2.2): each message is preceded by its length in two bytes.
void fake_dns_server::serve_tcp() {
  while (!stop_) {
    const int c = ::accept4(tcp_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR) continue;
      return;
    }
    {
      std::lock_guard lock(mutex_);
      tcp_connection_ = c;
    }
    for (;;) {
      unsigned char len[2];
      if (stop_ || !read_all(c, len, 2)) break;
      std::vector<unsigned char> q(static_cast<std::size_t>(len[0] << 8 | len[1]));
      if (!read_all(c, q.data(), q.size())) break;
      ++queries_;
      ++tcp_queries_;
      bool reply = true;
      auto out = answer(q.data(), q.size(), reply, true);
      if (!reply || out.empty()) continue;
      std::vector<unsigned char> framed;
      put16(framed, static_cast<std::uint16_t>(out.size()));
      framed.insert(framed.end(), out.begin(), out.end());
      if (::write(c, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size())) break;
    }
    {
      std::lock_guard lock(mutex_);
      tcp_connection_ = -1;
    }
    ::close(c);
  }
}

std::string fake_dns_server::address() const {
  return "127.0.0.1:" + std::to_string(port_);
}

void fake_dns_server::add(const std::string& name, records r) {
  std::lock_guard lock(mutex_);
  table_[lower(name)] = std::move(r);
}

void fake_dns_server::never_answer(const std::string& name) {
  std::lock_guard lock(mutex_);
  silent_.insert(lower(name));
}

void fake_dns_server::serve() {
  unsigned char buf[1500];
  while (!stop_) {
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n <= 0 || stop_) {
      if (n < 0 && errno == EINTR) continue;
      if (stop_ || n == 0) return;
      continue;
    }
    ++queries_;
    bool reply = true;
    auto out = answer(buf, static_cast<std::size_t>(n), reply, false);
    if (reply && !out.empty()) {
      ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
}

std::vector<unsigned char> fake_dns_server::answer(const unsigned char* q, std::size_t n,
                                                   bool& reply, bool tcp) {
  if (n < 12) return {};
  // The question: labels from offset 12, then type and class.
  std::string name;
  std::size_t i = 12;
  while (i < n && q[i] != 0) {
    const std::size_t len = q[i];
    if (len > 63 || i + 1 + len > n) return {};
    if (!name.empty()) name += '.';
    name.append(reinterpret_cast<const char*>(q + i + 1), len);
    i += 1 + len;
  }
  if (i + 5 > n) return {};
  const std::size_t question_end = i + 5;
  const auto qtype = static_cast<std::uint16_t>((q[i + 1] << 8) | q[i + 2]);
  name = lower(name);

  records r;
  bool known;
  bool truncate = false;
  {
    std::lock_guard lock(mutex_);
    truncate = !tcp && truncated_.count(name) > 0;
    if (silent_.count(name)) {
      reply = false;
      return {};
    }
    auto it = table_.find(name);
    known = it != table_.end();
    if (known) r = it->second;
  }
  std::vector<std::string> addresses;
  if (known) addresses = qtype == type_a ? r.a : qtype == type_aaaa ? r.aaaa : addresses;
  if (truncate) addresses.clear();  // "did not fit": the TC bit says so, the records stay out

  std::vector<unsigned char> out(q, q + 2);  // the id
  // Response, RD, RA (0x8180); TC (0x0200) when truncated; rcode 3 (NXDOMAIN) if unknown.
  put16(out, static_cast<std::uint16_t>((known ? 0x8180 : 0x8183) | (truncate ? 0x0200 : 0)));
  put16(out, 1);  // one question
  put16(out, static_cast<std::uint16_t>(addresses.size()));
  put16(out, 0);
  put16(out, 0);
  out.insert(out.end(), q + 12, q + question_end);
  for (const auto& a : addresses) {
    put16(out, 0xc00c);  // the question's name
    put16(out, qtype);
    put16(out, 1);  // IN
    put32(out, r.ttl);
    unsigned char raw[16];
    const bool v4 = qtype == type_a;
    ::inet_pton(v4 ? AF_INET : AF_INET6, a.c_str(), raw);
    put16(out, v4 ? 4 : 16);
    out.insert(out.end(), raw, raw + (v4 ? 4 : 16));
  }
  return out;
}

}  // namespace braid::asyncio::test
