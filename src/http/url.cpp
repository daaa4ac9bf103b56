#include "braid/http/url.hpp"

#include <charconv>

#include "braid/http/errors.hpp"

namespace braid::http {

namespace {

char lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool unreserved(unsigned char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Removes "." and ".." segments (RFC 3986 section 5.2.4).
std::string remove_dot_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  const bool absolute = !path.empty() && path[0] == '/';
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      if (j == path.size()) out.emplace_back();  // "a/.." ends with a slash
    } else if (seg == ".") {
      if (j == path.size()) out.emplace_back();
    } else if (!(seg.empty() && i == 0 && absolute)) {
      out.push_back(seg);
    }
    i = j + 1;
  }
  std::string result;
  for (auto seg : out) {
    result += '/';
    result += seg;
  }
  return result.empty() ? "/" : result;
}

}  // namespace

url::url(std::string_view text) {
  const std::string original(text);
  for (unsigned char c : text) {
    if (c <= 0x20 || c == 0x7f) throw invalid_url_error(original, "contains a space or control");
  }
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) throw invalid_url_error(original, "no scheme");
  for (char c : text.substr(0, colon)) scheme_ += lower(c);
  if (scheme_ != "http" && scheme_ != "https") {
    throw invalid_url_error(original, "the scheme is not http or https");
  }
  std::string_view rest = text.substr(colon + 3);
  if (auto hash = rest.find('#'); hash != std::string_view::npos) {
    fragment_ = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path_query =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    user_info_ = authority.substr(0, at);
    authority = authority.substr(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) throw invalid_url_error(original, "unclosed '['");
    host_ = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') throw invalid_url_error(original, "junk after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    const auto c = authority.rfind(':');
    std::string_view h = authority.substr(0, c);
    for (char ch : h) host_ += lower(ch);
    if (c != std::string_view::npos) port_text = authority.substr(c + 1);
  }
  if (host_.empty()) throw invalid_url_error(original, "no host");
  port_ = is_https() ? 443 : 80;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      throw invalid_url_error(original, "bad port");
    }
    port_ = static_cast<std::uint16_t>(value);
    explicit_port_ = true;
  }
  if (auto q = path_query.find('?'); q != std::string_view::npos) {
    query_ = path_query.substr(q + 1);
    path_query = path_query.substr(0, q);
  }
  path_ = path_query.empty() ? "/" : remove_dot_segments(path_query);
}

std::string url::target() const {
  return query_.empty() ? path_ : path_ + "?" + query_;
}

std::string url::authority() const {
  std::string a = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  if (port_ != (is_https() ? 443 : 80)) a += ":" + std::to_string(port_);
  return a;
}

std::string url::origin() const {
  std::string h = host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
  return scheme_ + "://" + h + ":" + std::to_string(port_);
}

std::string url::str(bool with_fragment) const {
  std::string s = scheme_ + "://";
  if (!user_info_.empty()) s += user_info_ + "@";
  s += authority() + target();
  if (with_fragment && !fragment_.empty()) s += "#" + fragment_;
  return s;
}

url url::with_params(const query_params& params) const {
  if (params.empty()) return *this;
  url copy = *this;
  const std::string extra = encode_query(params);
  copy.query_ = copy.query_.empty() ? extra : copy.query_ + "&" + extra;
  return copy;
}

url url::join(std::string_view reference) const {
  if (reference.find("://") != std::string_view::npos) {
    // An absolute reference: its scheme must be one the client speaks.
    return url(reference);
  }
  if (reference.starts_with("//")) return url(scheme_ + ":" + std::string(reference));
  url out = *this;
  out.fragment_.clear();
  std::string_view ref = reference;
  if (auto hash = ref.find('#'); hash != std::string_view::npos) {
    out.fragment_ = ref.substr(hash + 1);
    ref = ref.substr(0, hash);
  }
  std::string_view ref_query;
  bool has_query = false;
  if (auto q = ref.find('?'); q != std::string_view::npos) {
    ref_query = ref.substr(q + 1);
    ref = ref.substr(0, q);
    has_query = true;
  }
  for (unsigned char c : ref) {
    if (c <= 0x20 || c == 0x7f) throw invalid_url_error(std::string(reference), "bad reference");
  }
  if (ref.empty()) {
    if (has_query) out.query_ = ref_query;
    return out;
  }
  if (ref[0] == '/') {
    out.path_ = remove_dot_segments(ref);
  } else {
    const auto slash = path_.rfind('/');
    out.path_ = remove_dot_segments(path_.substr(0, slash + 1) + std::string(ref));
  }
  out.query_ = has_query ? std::string(ref_query) : std::string();
  return out;
}

std::string quote(std::string_view text, std::string_view safe) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (unreserved(c) || safe.find(char(c)) != std::string_view::npos) {
      out += char(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string unquote(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += char(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_as_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string encode_query(const query_params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += quote(name);
    out += '=';
    out += quote(value);
  }
  return out;
}

query_params parse_query(std::string_view query) {
  query_params out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(unquote(pair, true), std::string());
    } else {
      out.emplace_back(unquote(pair.substr(0, eq), true), unquote(pair.substr(eq + 1), true));
    }
  }
  return out;
}

}  // namespace braid::http
