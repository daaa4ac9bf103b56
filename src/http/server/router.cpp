#include "braid/http/router.hpp"

// libstdc++ 12's <regex> trips g++'s -Wmaybe-uninitialized inside its own NFA code at -O1
// (the asan preset), a false positive in the library, not here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <regex>

#include "braid/error.hpp"
#include "braid/http/errors.hpp"
#include "braid/http/url.hpp"

namespace braid::http {

struct router::route {
  std::string method;  // "*": any
  bool allow_head = false;
  bool dynamic = false;
  std::string literal;  // the whole path, for a route without parameters
  std::regex pattern;
  std::vector<std::string> names;
  bool is_static = false;
  std::string prefix;  // static: "/files" (no trailing slash)
  std::string root;    // static: realpath of the directory
  static_options options;
  handler h;

  bool matches_method(std::string_view m) const noexcept {
    return method == "*" || method == m || (allow_head && m == "HEAD");
  }
};

namespace {

std::string regex_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (std::strchr(".^$|()[]{}*+?\\", c) != nullptr) out += '\\';
    out += c;
  }
  return out;
}

// "/user/{id}/{rest:.*}" -> ^/user/([^{}/]+)/(.*)$ with the names in order.
void compile(std::string_view p, std::string& re, std::vector<std::string>& names) {
  std::size_t i = 0;
  while (i < p.size()) {
    const auto open = p.find('{', i);
    if (open == std::string_view::npos) {
      re += regex_escape(p.substr(i));
      break;
    }
    re += regex_escape(p.substr(i, open - i));
    int depth = 0;
    std::size_t close = open;
    for (; close < p.size(); ++close) {
      if (p[close] == '{')
        ++depth;
      else if (p[close] == '}' && --depth == 0)
        break;
    }
    if (close >= p.size())
      throw value_error("route pattern with an unbalanced '{': " + std::string(p));
    const std::string_view inner = p.substr(open + 1, close - open - 1);
    const auto colon = inner.find(':');
    names.emplace_back(inner.substr(0, colon));
    if (names.back().empty())
      throw value_error("route parameter without a name: " + std::string(p));
    re += '(';
    re += colon == std::string_view::npos ? std::string("[^{}/]+")
                                          : std::string(inner.substr(colon + 1));
    re += ')';
    i = close + 1;
  }
}

// The file under `root` that `raw` (the percent-encoded path after the prefix) names, or ""
// when it would leave the root: encoded separators, "..", NUL, or (unless followed) a symbolic
// link to outside.
std::string resolve_under(const std::string& root, std::string_view raw, bool follow_symlinks) {
  for (std::size_t i = 0; i + 2 < raw.size(); ++i) {
    if (raw[i] != '%') continue;
    const char a = raw[i + 1], b = static_cast<char>(raw[i + 2] | 0x20);
    if ((a == '2' && b == 'f') || (a == '5' && b == 'c') || (a == '0' && b == '0')) return {};
  }
  const std::string decoded = unquote(raw);
  std::string rel;
  std::size_t i = 0;
  while (i <= decoded.size()) {
    auto slash = decoded.find('/', i);
    if (slash == std::string::npos) slash = decoded.size();
    const std::string_view seg(decoded.data() + i, slash - i);
    i = slash + 1;
    if (seg.empty() || seg == ".") continue;
    if (seg == ".." || seg.find('\\') != std::string_view::npos ||
        seg.find('\0') != std::string_view::npos) {
      return {};
    }
    rel += '/';
    rel += seg;
  }
  std::string path = root + rel;
  if (!follow_symlinks) {
    char real[PATH_MAX];
    if (::realpath(path.c_str(), real) == nullptr) return {};
    const std::string_view r(real);
    if (r != root &&
        (r.substr(0, root.size()) != root || r.size() <= root.size() || r[root.size()] != '/')) {
      return {};
    }
  }
  return path;
}

asyncio::task<response> serve_static(const std::string* root, const static_options* options,
                                     request& req);

}  // namespace

router::router() = default;
router::~router() = default;
router::router(router&&) noexcept = default;
router& router::operator=(router&&) noexcept = default;

void router::add_route(std::string method, std::string pattern, handler h) {
  if (pattern.empty() || pattern.front() != '/') {
    throw value_error("route pattern must start with '/': " + pattern);
  }
  auto r = std::make_unique<route>();
  r->method = std::move(method);
  r->h = std::move(h);
  if (pattern.find('{') == std::string::npos) {
    r->literal = std::move(pattern);
  } else {
    std::string re;
    compile(pattern, re, r->names);
    r->pattern = std::regex(re, std::regex::ECMAScript | std::regex::optimize);
    r->dynamic = true;
  }
  routes_.push_back(std::move(r));
}

void router::add_get(std::string pattern, handler h) {
  add_route("GET", std::move(pattern), std::move(h));
  routes_.back()->allow_head = true;
}
void router::add_post(std::string pattern, handler h) {
  add_route("POST", std::move(pattern), std::move(h));
}
void router::add_put(std::string pattern, handler h) {
  add_route("PUT", std::move(pattern), std::move(h));
}
void router::add_delete(std::string pattern, handler h) {
  add_route("DELETE", std::move(pattern), std::move(h));
}

void router::add_static(std::string prefix, std::string directory) {
  add_static(std::move(prefix), std::move(directory), static_options());
}

void router::add_static(std::string prefix, std::string directory, static_options options) {
  char real[PATH_MAX];
  struct ::stat st {};
  if (::realpath(directory.c_str(), real) == nullptr || ::stat(real, &st) != 0 ||
      !S_ISDIR(st.st_mode)) {
    throw value_error("add_static: not a directory: " + directory);
  }
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  auto r = std::make_unique<route>();
  r->method = "GET";
  r->allow_head = true;
  r->is_static = true;
  r->prefix = std::move(prefix);
  r->root = real;
  r->options = std::move(options);
  const std::string* root = &r->root;
  const static_options* opts = &r->options;
  r->h = [root, opts](request& req) { return serve_static(root, opts, req); };
  routes_.push_back(std::move(r));
}

router::resolution router::resolve(request& req) const {
  resolution res;
  const std::string_view path = req.path();
  const std::string_view method = req.method();
  for (const auto& r : routes_) {
    bool hit = false;
    if (r->is_static) {
      const std::string_view raw = req.raw_path();
      hit = raw.substr(0, r->prefix.size()) == r->prefix &&
            (raw.size() == r->prefix.size() || raw[r->prefix.size()] == '/');
      if (hit && r->matches_method(method)) {
        req.match_info().add("filename", std::string(raw.substr(r->prefix.size())));
      }
    } else if (!r->dynamic) {
      hit = path == r->literal;
    } else {
      std::match_results<std::string_view::const_iterator> m;
      hit = std::regex_match(path.begin(), path.end(), m, r->pattern);
      if (hit && r->matches_method(method)) {
        for (std::size_t i = 0; i < r->names.size(); ++i) {
          req.match_info().add(r->names[i], m[i + 1].str());
        }
      }
    }
    if (!hit) continue;
    if (r->matches_method(method)) {
      res.route = &r->h;
      return res;
    }
    res.status = 405;
    const std::string m = r->allow_head ? r->method + ", HEAD" : r->method;
    if (res.allow.find(r->method) == std::string::npos) {
      if (!res.allow.empty()) res.allow += ", ";
      res.allow += m;
    }
  }
  return res;
}

namespace {
asyncio::task<response> serve_static(const std::string* root, const static_options* options,
                                     request& req) {
  const std::string path =
      resolve_under(*root, req.match_info().get("filename"), options->follow_symlinks);
  if (path.empty()) co_return response::text("404: Not Found", 404);
  struct ::stat st {};
  if (::stat(path.c_str(), &st) != 0) co_return response::text("404: Not Found", 404);
  if (S_ISDIR(st.st_mode)) {
    if (options->index.empty()) co_return response::text("403: Forbidden", 403);
    const std::string index = path + "/" + options->index;
    co_return response::file(index);
  }
  co_return response::file(path);
}
}  // namespace

}  // namespace braid::http
