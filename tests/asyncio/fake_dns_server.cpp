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

fake_dns_server::fake_dns_server() {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) < 0) {
    const int e = errno;
    ::close(fd_);
    throw std::system_error(e, std::generic_category(), "bind");
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

fake_dns_server::~fake_dns_server() {
  stop_ = true;
  // Wake the blocking recvfrom: shutdown() makes it return 0 on Linux.
  ::shutdown(fd_, SHUT_RDWR);
  thread_.join();
  ::close(fd_);
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
    auto out = answer(buf, static_cast<std::size_t>(n), reply);
    if (reply && !out.empty()) {
      ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
}

std::vector<unsigned char> fake_dns_server::answer(const unsigned char* q, std::size_t n,
                                                   bool& reply) {
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
  {
    std::lock_guard lock(mutex_);
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

  std::vector<unsigned char> out(q, q + 2);  // the id
  put16(out, known ? 0x8180 : 0x8183);       // response, RD, RA; rcode 3 (NXDOMAIN) if unknown
  put16(out, 1);                             // one question
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
