// RFC 6265 cookie storage: parsing Set-Cookie (section 5.2), domain and path matching (5.1.3,
// 5.1.4) and the Cookie header (5.4).
#include "braid/http/cookie_jar.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "braid/http/headers.hpp"
#include "braid/http/url.hpp"

namespace braid::http {

namespace {
std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}
std::string lower(std::string_view v) {
  std::string out(v);
  for (char& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}
bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}
bool domain_match(const std::string& host, const std::string& domain) {
  if (host == domain) return true;
  return host.size() > domain.size() &&
         host.compare(host.size() - domain.size(), domain.size(), domain) == 0 &&
         host[host.size() - domain.size() - 1] == '.' && !is_ip(host);
}
bool path_match(const std::string& request_path, const std::string& cookie_path) {
  if (request_path == cookie_path) return true;
  if (request_path.compare(0, cookie_path.size(), cookie_path) != 0) return false;
  return cookie_path.back() == '/' || request_path[cookie_path.size()] == '/';
}
std::string default_path(const std::string& path) {
  if (path.empty() || path[0] != '/') return "/";
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

// RFC 6265 5.1.1, loosely: the day, month name, year and hh:mm:ss tokens in any order.
bool parse_cookie_date(std::string_view text, std::chrono::system_clock::time_point& out) {
  static const char* months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  int day = -1, month = -1, year = -1, hh = -1, mm = -1, ss = -1;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !std::isalnum(static_cast<unsigned char>(text[i])) && text[i] != ':')
      ++i;
    std::size_t j = i;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == ':'))
      ++j;
    const std::string tok = lower(text.substr(i, j - i));
    i = j;
    if (tok.empty()) continue;
    if (hh < 0 && std::count(tok.begin(), tok.end(), ':') == 2) {
      if (std::sscanf(tok.c_str(), "%d:%d:%d", &hh, &mm, &ss) != 3) hh = -1;
      continue;
    }
    if (std::isdigit(static_cast<unsigned char>(tok[0]))) {
      const int v = std::atoi(tok.c_str());
      if (day < 0 && tok.size() <= 2) {
        day = v;
      } else if (year < 0 && tok.size() >= 2) {
        year = v;
      }
      continue;
    }
    if (month < 0 && tok.size() >= 3) {
      for (int m = 0; m < 12; ++m) {
        if (tok.compare(0, 3, months[m]) == 0) month = m;
      }
    }
  }
  if (year >= 70 && year <= 99) year += 1900;
  if (year >= 0 && year <= 69) year += 2000;
  if (day < 1 || day > 31 || month < 0 || year < 1601 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
      ss < 0 || ss > 59) {
    return false;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  out = std::chrono::system_clock::from_time_t(::timegm(&tm));
  return true;
}
}  // namespace

cookie_jar cookie_jar::dummy() noexcept {
  cookie_jar j;
  j.dummy_ = true;
  return j;
}

void cookie_jar::set(std::string name, std::string value, const url& for_url) {
  cookie c;
  c.name = std::move(name);
  c.value = std::move(value);
  c.domain = lower(for_url.host());
  std::erase_if(cookies_, [&](const cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  cookies_.push_back(std::move(c));
}

void cookie_jar::update(std::string_view set_cookie, const url& from) {
  if (dummy_) return;
  const std::string host = lower(from.host());
  if (!unsafe_ && is_ip(host)) return;
  std::string_view rest = set_cookie;
  const auto semi = rest.find(';');
  const std::string_view pair = trim(rest.substr(0, semi));
  rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
  const auto eq = pair.find('=');
  if (eq == std::string_view::npos) return;
  cookie c;
  c.name = std::string(trim(pair.substr(0, eq)));
  c.value = std::string(trim(pair.substr(eq + 1)));
  if (c.name.empty()) return;
  c.domain = host;
  c.path = default_path(from.path());
  bool have_max_age = false;
  const auto now = std::chrono::system_clock::now();
  while (!rest.empty()) {
    const auto next = rest.find(';');
    const std::string_view av = trim(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    const auto aeq = av.find('=');
    const std::string name = lower(trim(av.substr(0, aeq)));
    const std::string_view value =
        aeq == std::string_view::npos ? std::string_view() : trim(av.substr(aeq + 1));
    if (name == "domain") {
      std::string d = lower(value);
      if (!d.empty() && d[0] == '.') d.erase(0, 1);
      if (d.empty()) continue;
      if (!domain_match(host, d)) return;  // a cookie for a domain the host is not in
      c.domain = std::move(d);
      c.host_only = false;
    } else if (name == "path") {
      if (!value.empty() && value[0] == '/') c.path = std::string(value);
    } else if (name == "max-age") {
      const std::string v(value);
      char* end = nullptr;
      const long long secs = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0') continue;
      have_max_age = true;
      c.persistent = true;
      c.expires = secs <= 0 ? std::chrono::system_clock::time_point::min()
                            : now + std::chrono::seconds(std::min<long long>(secs, 1LL << 34));
    } else if (name == "expires") {
      std::chrono::system_clock::time_point t;
      if (!have_max_age && parse_cookie_date(value, t)) {
        c.persistent = true;
        c.expires = t;
      }
    } else if (name == "secure") {
      c.secure = true;
    } else if (name == "httponly") {
      c.http_only = true;
    }
  }
  std::erase_if(cookies_, [&](const cookie& o) {
    return o.name == c.name && o.domain == c.domain && o.path == c.path;
  });
  if (c.persistent && c.expires <= now) return;  // an expired cookie deletes the stored one
  cookies_.push_back(std::move(c));
}

std::string cookie_jar::header_for(const url& to) {
  if (dummy_ || cookies_.empty()) return {};
  const auto now = std::chrono::system_clock::now();
  std::erase_if(cookies_, [&](const cookie& c) { return c.persistent && c.expires <= now; });
  const std::string host = lower(to.host());
  std::vector<const cookie*> match;
  for (const auto& c : cookies_) {
    if (c.secure && !to.is_https()) continue;
    if (c.host_only ? host != c.domain : !domain_match(host, c.domain)) continue;
    if (!path_match(to.path(), c.path)) continue;
    match.push_back(&c);
  }
  std::stable_sort(match.begin(), match.end(), [](const cookie* a, const cookie* b) {
    return a->path.size() > b->path.size();
  });
  std::string out;
  for (const cookie* c : match) {
    if (!out.empty()) out += "; ";
    out += c->name;
    out += '=';
    out += c->value;
  }
  return out;
}

}  // namespace braid::http
