// client_session: one request = merge the options, find the endpoint (direct or through a
// proxy), lend a pooled connection, write the head (and body) in one buffer, read the head,
// follow redirects. Bodies are read later by client_response.
#include "braid/http/client_session.hpp"

#include <cctype>
#include <cstdlib>

#include "braid/asyncio/errors.hpp"
#include "braid/asyncio/sleep.hpp"
#include "braid/asyncio/timeout.hpp"
#include "braid/http/errors.hpp"
#include "client/connection.hpp"
#include "client/request_writer.hpp"
#include "client/response_state.hpp"

namespace braid::http {

namespace detail {

struct proxy_settings {
  std::optional<url> http, https;
  std::vector<std::string> no_proxy;  // lower case, without a leading dot or a port
  bool bypass_all = false;
};

struct session_state {
  explicit session_state(session_options o)
      : options(std::move(o)), pool(std::make_shared<connector>(options.connector)) {}
  session_options options;
  std::shared_ptr<connector> pool;
  proxy_settings proxy;

  /// The TLS context of https requests, made on the first one: loading the system's
  /// certificates takes about 20 ms, which a session that only speaks http (or a program that
  /// makes a session per request, as requests.get does) should not pay.
  const asyncio::ssl_context& tls_context() {
    if (!ssl) ssl = options.connector.ssl ? *options.connector.ssl : asyncio::ssl_context::client();
    return *ssl;
  }

 private:
  std::optional<asyncio::ssl_context> ssl;
};

namespace {

std::optional<url> proxy_from_env(const char* lower_name, const char* upper_name) {
  const char* v = std::getenv(lower_name);
  if (v == nullptr || *v == '\0') v = std::getenv(upper_name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  std::string text(v);
  if (text.find("://") == std::string::npos) text = "http://" + text;
  try {
    return url(text);
  } catch (const invalid_url_error&) {
    return std::nullopt;  // as aiohttp: an unusable proxy setting is ignored
  }
}

proxy_settings read_proxy_env() {
  proxy_settings p;
  p.http = proxy_from_env("http_proxy", "HTTP_PROXY");
  p.https = proxy_from_env("https_proxy", "HTTPS_PROXY");
  const char* np = std::getenv("no_proxy");
  if (np == nullptr) np = std::getenv("NO_PROXY");
  std::string_view list = np != nullptr ? np : "";
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view e = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
    while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
    if (e == "*") p.bypass_all = true;
    if (!e.empty() && e.front() == '.') e.remove_prefix(1);
    if (const auto colon = e.rfind(':'); colon != std::string_view::npos && e.find(':') == colon) {
      e = e.substr(0, colon);  // host:port; IPv6 literals (several colons) are kept whole
    }
    std::string entry(e);
    for (char& ch : entry) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (!entry.empty()) p.no_proxy.push_back(std::move(entry));
  }
  return p;
}

const url* proxy_for(const proxy_settings& p, const url& u) {
  const auto& proxy = u.is_https() ? p.https : p.http;
  if (!proxy || p.bypass_all) return nullptr;
  std::string host = u.host();
  for (char& ch : host) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const auto& e : p.no_proxy) {
    if (host == e) return nullptr;
    if (host.size() > e.size() && host.compare(host.size() - e.size(), e.size(), e) == 0 &&
        host[host.size() - e.size() - 1] == '.') {
      return nullptr;
    }
  }
  return &*proxy;
}

bool idempotent(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS" || m == "PUT" || m == "DELETE" || m == "TRACE";
}

bool same_limits(const parse_limits& a, const parse_limits& b) {
  return a.max_line_size == b.max_line_size && a.max_field_size == b.max_field_size &&
         a.max_headers == b.max_headers && a.max_head_size == b.max_head_size;
}

parse_limits parse_limits_of(const response_limits& l) {
  return parse_limits{l.max_line_size, l.max_field_size, l.max_headers, l.max_head_size};
}

/// Everything one request needs, made once and kept across its redirects.
struct request_plan {
  std::string method;
  url target;
  std::string body;
  bool has_body = false;
  std::string_view content_type;
  const request_options* options = nullptr;
  client_timeout timeout;
  response_limits limits;
  std::optional<asyncio::time_point> deadline;
  bool strip_authorization = false;
};

enum class head_stop { final_head, continue_100 };

/// Reads until a final response head (1xx interim responses are skipped), or a 100 when
/// `stop_at_100`. `got_any` turns true once a byte of the response arrived.
asyncio::task<head_stop> read_head(connection& c, std::chrono::nanoseconds sock_read, const url& u,
                                   bool stop_at_100, bool& got_any) {
  for (;;) {
    if (c.pos == c.len) {
      const std::size_t n = co_await fill(c, sock_read, u);
      if (n == 0) {
        throw server_disconnected_error(got_any ? "the connection closed inside the response head"
                                                : "the connection closed before a response");
      }
      got_any = true;
    }
    const auto r = feed_parser(c, false);
    if (r.what == message_parser::event::need_more) continue;
    const int status = c.parser->head().status;
    if (status >= 100 && status < 200 && status != 101 &&
        r.what == message_parser::event::message_end) {
      c.parser->next_message();
      if (status == 100 && stop_at_100) co_return head_stop::continue_100;
      continue;
    }
    co_return head_stop::final_head;
  }
}

asyncio::task<void> send_stream(connection& c, const body_stream& stream) {
  for (;;) {
    std::string chunk = co_await stream();
    char size[24];
    const int len = std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    c.out.assign(size, static_cast<std::size_t>(len));
    c.out += chunk;
    c.out += "\r\n";
    if (chunk.empty()) {
      c.writer.write(c.out);
      co_await c.writer.drain();
      co_return;
    }
    c.writer.write(c.out);
    co_await c.writer.drain();
  }
}

asyncio::task<void> drain_writer(connection& c) {
  try {
    co_await c.writer.drain();
  } catch (const asyncio::connection_error& e) {
    throw server_disconnected_error(e.what(), e.code());
  }
}

asyncio::task<head_stop> wait_for_continue(connection& c, const request_plan& plan, bool& got_any) {
  co_return co_await read_head(c, plan.timeout.sock_read, plan.target, true, got_any);
}

asyncio::task<connection_lease> lend(session_state& st, const endpoint& ep,
                                     const request_plan& plan, bool check_alive, bool fresh,
                                     bool& reused) {
  const auto limits = parse_limits_of(plan.limits);
  if (plan.timeout.connect.count() <= 0) {
    co_return co_await st.pool->acquire(ep, limits, plan.timeout.sock_connect, check_alive, fresh,
                                        reused);
  }
  try {
    co_return co_await asyncio::timeout(
        plan.timeout.connect,
        st.pool->acquire(ep, limits, plan.timeout.sock_connect, check_alive, fresh, reused));
  } catch (const asyncio::timeout_error&) {
    throw client_timeout_error(timeout_kind::connect, plan.target.str(false));
  }
}

/// One request/response exchange on one connection (retried once on a stale pooled one).
asyncio::task<std::unique_ptr<response_state>> exchange(session_state& st, request_plan& plan) {
  const request_options& ro = *plan.options;
  const url& u = plan.target;
  endpoint ep;
  ep.tls = u.is_https();
  ep.tls_host = u.host();
  ep.tls_port = u.port();
  if (ep.tls) ep.ssl = ro.ssl ? *ro.ssl : st.tls_context();
  bool absolute_form = false;
  if (const url* proxy = st.options.trust_env ? proxy_for(st.proxy, u) : nullptr) {
    ep.host = proxy->host();
    ep.port = proxy->port();
    if (ep.tls) {
      ep.tunnel = true;
      ep.key = u.origin() + " via " + proxy->origin();
    } else {
      absolute_form = true;
      ep.key = "proxy " + proxy->origin();
    }
  } else {
    ep.host = u.host();
    ep.port = u.port();
    ep.key = u.origin();
  }
  if (ro.ssl) ep.key += " own-ssl";
  const bool streamed = static_cast<bool>(ro.stream);
  const bool can_retry = idempotent(plan.method) && !streamed;
  const std::string cookie = st.options.cookie_jar.header_for(u);
  const auto limits = parse_limits_of(plan.limits);

  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    connection_lease lease = co_await lend(st, ep, plan, !can_retry, attempt > 0, reused);
    connection& c = *lease;
    if (!same_limits(c.limits, limits)) {
      c.parser.emplace(message_kind::response, limits);
      c.limits = limits;
    }
    c.parser->expect_no_body(plan.method == "HEAD");
    ++c.uses;
    request_head h;
    h.method = plan.method;
    h.target = &u;
    h.absolute_form = absolute_form;
    h.session = &st.options;
    h.request = &ro;
    h.strip_authorization = plan.strip_authorization;
    h.content_type = plan.content_type;
    h.has_body = plan.has_body;
    h.body_size = plan.body.size();
    h.chunked = streamed;
    h.expect_continue = ro.expect_continue && (plan.has_body || streamed);
    h.cookie = cookie;
    c.out.clear();
    write_head(c.out, h);
    bool got_any = false;
    bool body_sent = true;
    try {
      if (h.expect_continue) {
        c.writer.write(c.out);
        co_await drain_writer(c);
        std::optional<head_stop> stop;
        try {
          stop = co_await asyncio::timeout(std::chrono::seconds(1),
                                           wait_for_continue(c, plan, got_any));
        } catch (const asyncio::timeout_error&) {
          // No answer: send the body anyway, as curl does after its wait.
        }
        if (!stop || *stop == head_stop::continue_100) {
          if (streamed) {
            co_await send_stream(c, ro.stream);
          } else {
            c.writer.write(plan.body);
            co_await drain_writer(c);
          }
          co_await read_head(c, plan.timeout.sock_read, u, false, got_any);
        } else {
          body_sent = false;  // a final answer came first: the body stays unsent
        }
      } else {
        if (plan.has_body) {
          if (plan.body.size() <= 64 * 1024) {
            c.out += plan.body;
            c.writer.write(c.out);
          } else {
            c.writer.write(c.out);
            c.writer.write(plan.body);
          }
        } else {
          c.writer.write(c.out);
        }
        if (streamed) {
          co_await send_stream(c, ro.stream);
        } else if (c.writer.write_buffer_size() != 0) {
          co_await drain_writer(c);
        }
        co_await read_head(c, plan.timeout.sock_read, u, false, got_any);
      }
    } catch (const server_disconnected_error&) {
      // The server closed a pooled connection as we reused it: nothing of a response came, so
      // the request can go again on a new connection (idempotent requests only).
      if (!(attempt == 0 && reused && can_retry && !got_any)) throw;
      continue;
    } catch (const asyncio::connection_error& e) {
      if (!(attempt == 0 && reused && can_retry && !got_any)) {
        throw server_disconnected_error(e.what(), e.code());
      }
      continue;
    }
    auto rs = std::make_unique<response_state>();
    take_head(*rs, c);
    rs->method = plan.method;
    rs->final_url = u;
    rs->reused = reused;
    rs->limits = plan.limits;
    rs->sock_read = plan.timeout.sock_read;
    rs->deadline = plan.deadline;
    if (!body_sent || ro.ssl) rs->keep_alive = false;
    if (st.options.auto_decompress && plan.method != "HEAD") {
      if (auto enc = rs->fields.get("Content-Encoding")) rs->coding = coding_of(*enc);
    }
    const bool done = c.parser->message_complete();
    rs->conn = std::move(lease);
    if (done) finish_body(*rs);
    co_return rs;
  }
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/// Reads and drops a redirect's (small) body so its connection can be reused.
asyncio::task<void> discard_body(response_state& s) {
  std::uint64_t seen = 0;
  while (!s.complete && seen <= 64 * 1024) {
    std::string piece = co_await next_piece(s, false);
    seen += piece.size();
  }
  if (!s.complete) s.conn.release(false);
}

asyncio::task<client_response> run_request(session_state& st, request_plan& plan) {
  const request_options& ro = *plan.options;
  const bool follow = ro.allow_redirects.value_or(true);
  const int max_redirects = ro.max_redirects.value_or(st.options.max_redirects);
  std::vector<redirect_hop> history;
  for (int hops = 0;; ++hops) {
    std::unique_ptr<response_state> rs = co_await exchange(st, plan);
    for (std::string_view sc : rs->fields.get_all("Set-Cookie")) {
      st.options.cookie_jar.update(sc, plan.target);
    }
    const auto location = rs->fields.get("Location");
    if (follow && is_redirect(rs->status) && location) {
      if (hops >= max_redirects) {
        throw too_many_redirects_error(rs->status, plan.target.str(false), hops);
      }
      url next;
      try {
        next = plan.target.join(*location);
      } catch (const invalid_url_error&) {
        throw invalid_redirect_error(rs->status, plan.target.str(false), std::string(*location));
      }
      const bool keeps_method = rs->status == 307 || rs->status == 308;
      if (!(keeps_method && ro.stream)) {  // a streamed body cannot be sent twice
        history.push_back(redirect_hop{rs->status, plan.target});
        co_await discard_body(*rs);
        if (!keeps_method && (rs->status == 303 ? plan.method != "HEAD" : plan.method == "POST")) {
          plan.method = "GET";
          plan.body.clear();
          plan.has_body = false;
        }
        if (next.origin() != plan.target.origin()) plan.strip_authorization = true;
        next = url(next.str(false));  // the fragment is not sent
        plan.target = std::move(next);
        continue;
      }
    }
    rs->history = std::move(history);
    client_response r(std::move(rs));
    if (ro.raise_for_status.value_or(st.options.raise_for_status)) r.raise_for_status();
    co_return r;
  }
}

}  // namespace
}  // namespace detail

client_session::client_session(session_options options)
    : s_(std::make_shared<detail::session_state>(std::move(options))) {
  if (s_->options.trust_env) s_->proxy = detail::read_proxy_env();
}
client_session::client_session() : client_session(session_options{}) {}
client_session::~client_session() {
  s_->pool->close();
}

asyncio::task<client_response> client_session::send(std::shared_ptr<detail::session_state> keep,
                                                    std::string method, std::string url_text,
                                                    const request_options& options) {
  // The frame keeps the session's state alive: a session destroyed while this request is
  // suspended closes its pool, and the request finishes (or fails) without dangling.
  auto& st = *keep;
  if (st.pool->closed()) throw invalid_state_error("the client session is closed");
  detail::request_plan plan;
  plan.method = std::move(method);
  for (char& ch : plan.method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  plan.target = url(url_text);
  if (!options.params.empty()) plan.target = plan.target.with_params(options.params);
  if (!plan.target.fragment().empty()) plan.target = url(plan.target.str(false));
  plan.options = &options;
  plan.timeout = options.timeout.value_or(st.options.timeout);
  plan.limits = options.limits.value_or(st.options.limits);
  if (options.json_text) {
    plan.body = *options.json_text;
    plan.has_body = true;
    plan.content_type = "application/json";
  } else if (options.form) {
    plan.body = encode_query(*options.form);
    plan.has_body = true;
    plan.content_type = "application/x-www-form-urlencoded";
  } else if (options.data) {
    plan.body = *options.data;
    plan.has_body = true;
    plan.content_type = "application/octet-stream";
  } else if (options.stream) {
    plan.content_type = "application/octet-stream";
  }
  if (plan.timeout.total.count() <= 0) co_return co_await detail::run_request(st, plan);
  plan.deadline =
      asyncio::detail::add_delay(asyncio::detail::running_loop_time(), plan.timeout.total);
  try {
    co_return co_await asyncio::timeout_at(*plan.deadline, detail::run_request(st, plan));
  } catch (const asyncio::timeout_error&) {
    throw client_timeout_error(timeout_kind::total, plan.target.str(false));
  }
}

namespace {
const request_options& no_options() {
  static const request_options none;
  return none;
}
}  // namespace

asyncio::task<client_response> client_session::request(std::string method, std::string url,
                                                       request_options options) {
  co_return co_await send(s_, std::move(method), std::move(url), options);
}

asyncio::task<client_response> client_session::request(std::string method, std::string url) {
  return send(s_, std::move(method), std::move(url), no_options());
}

#define BRAID_HTTP_VERB(fn, name)                                                         \
  asyncio::task<client_response> client_session::fn(std::string url, request_options o) { \
    return request(name, std::move(url), std::move(o));                                   \
  }                                                                                       \
  asyncio::task<client_response> client_session::fn(std::string url) {                    \
    return request(name, std::move(url));                                                 \
  }
BRAID_HTTP_VERB(get, "GET")
BRAID_HTTP_VERB(post, "POST")
BRAID_HTTP_VERB(put, "PUT")
BRAID_HTTP_VERB(patch, "PATCH")
BRAID_HTTP_VERB(delete_, "DELETE")
BRAID_HTTP_VERB(head, "HEAD")
BRAID_HTTP_VERB(options, "OPTIONS")
#undef BRAID_HTTP_VERB

asyncio::task<void> client_session::close() {
  s_->pool->close();
  co_return;
}
bool client_session::closed() const noexcept {
  return s_->pool->closed();
}
http::cookie_jar& client_session::cookie_jar() noexcept {
  return s_->options.cookie_jar;
}
pool_stats client_session::stats() const noexcept {
  return s_->pool->stats();
}

}  // namespace braid::http
