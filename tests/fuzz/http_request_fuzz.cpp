// libFuzzer target: arbitrary bytes through the server's request parser (message_parser over
// llhttp) as a connection would feed it, once whole and once in pseudo-random splits (the first
// four bytes seed the splits). Both must see the same messages, heads and bodies, or fail the
// same way: a difference means a request's meaning depends on how TCP cut it up, which is how
// request smuggling starts. The target and query go through the server's own decoding too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "braid/http/url.hpp"
#include "parse/message_parser.hpp"

namespace {

using braid::http::detail::message_kind;
using braid::http::detail::message_parser;
using braid::http::detail::parse_error;
using braid::http::detail::parse_limits;

struct outcome {
  std::vector<std::string> messages;  // a digest of each complete message
  int failure = -1;                   // the parse_failure, or -1
  bool operator==(const outcome&) const = default;
};

std::string digest(const message_parser& p, const std::string& body) {
  const auto& h = p.head();
  std::string d = h.method + " " + h.target + " " + std::to_string(h.version_major) + "." +
                  std::to_string(h.version_minor) + (h.keep_alive ? " ka" : " close") +
                  (h.chunked ? " chunked" : "") + "\n";
  for (const auto& [name, value] : h.fields) d += name + ": " + value + "\n";
  return d + "\n" + body;
}

// Feeds `data` in pieces of the sizes `next_piece` gives, as the server's connection does:
// what a stop did not consume is fed again; a complete message starts the next.
template <class Next>
outcome parse(std::string_view data, Next next_piece) {
  parse_limits limits;
  limits.max_head_size = 4096;
  limits.max_line_size = 1024;
  limits.max_field_size = 1024;
  limits.max_headers = 32;
  message_parser p(message_kind::request, limits);
  outcome out;
  std::string body;
  std::size_t at = 0;
  try {
    while (at < data.size()) {
      const std::size_t n = std::min(next_piece(), data.size() - at);
      std::string piece(data.substr(at, n));  // its own buffer, as a fresh read would be
      std::string_view rest = piece;
      at += n;
      while (!rest.empty()) {
        const auto r = p.feed(rest);
        if (r.consumed > rest.size()) std::abort();
        rest.remove_prefix(r.consumed);
        body += p.body();
        p.body().clear();
        if (r.what == message_parser::event::message_end) {
          out.messages.push_back(digest(p, body));
          // The server's view of the target: path and query, decoded.
          const std::string_view target = p.head().target;
          const auto q = target.find('?');
          (void)braid::http::unquote(target.substr(0, q));
          if (q != std::string_view::npos) (void)braid::http::parse_query(target.substr(q + 1));
          body.clear();
          p.next_message();
        }
      }
    }
    if (p.finish()) out.messages.push_back(digest(p, body + p.body()));
  } catch (const parse_error& e) {
    out.failure = static_cast<int>(e.failure());
    (void)e.status();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size < 4) return 0;
  std::uint32_t seed =
      bytes[0] | bytes[1] << 8 | bytes[2] << 16 | static_cast<std::uint32_t>(bytes[3]) << 24;
  const std::string_view data(reinterpret_cast<const char*>(bytes) + 4, size - 4);
  const outcome whole = parse(data, [&] { return data.size(); });
  const outcome split = parse(data, [&] {
    seed = seed * 1103515245u + 12345u;
    return std::size_t{1} + (seed >> 16) % 64;
  });
  // A failure may come at a different message boundary only if both fail; everything the
  // parser completed before must agree.
  if (whole.failure < 0 && split.failure < 0 && !(whole == split)) std::abort();
  if ((whole.failure < 0) != (split.failure < 0)) std::abort();
  if (whole.failure >= 0 && whole.messages != split.messages) std::abort();
  return 0;
}
