// libFuzzer target: arbitrary bytes through the client's response reading path — llhttp via
// message_parser (response), the limits, chunked framing, and the gzip/deflate inflater with its
// bomb guards — as client_session reads a response, in pieces of a size the input chooses.
// Byte 0 holds flags: bit 0 the request was HEAD, bit 1 force gzip, bit 2 force deflate,
// bits 4-7 the piece size minus one. Any typed error is fine; a crash, leak or hang is not.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "braid/http/errors.hpp"
#include "client/inflater.hpp"
#include "parse/message_parser.hpp"

using namespace braid::http;
using namespace braid::http::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t flags = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t step = 1 + (flags >> 4) * 37;
  parse_limits limits{512, 512, 16, 4096};
  message_parser p(message_kind::response, limits);
  p.expect_no_body((flags & 1) != 0);
  std::optional<inflater> decoder;
  std::string out;
  std::size_t pos = 0;
  try {
    for (int rounds = 0; rounds < 100000; ++rounds) {
      const std::string_view piece = in.substr(pos, step);
      const auto r = p.feed(piece);
      pos += r.consumed;
      if (r.what == message_parser::event::head ||
          (r.what == message_parser::event::message_end && !decoder)) {
        content_coding c = coding_of(p.head().fields.get_or("Content-Encoding", ""));
        if (flags & 2) c = content_coding::gzip;
        if (flags & 4) c = content_coding::deflate;
        if (c != content_coding::identity) decoder.emplace(c, 1 << 20, 100);
      }
      if (decoder) {
        decoder->feed(p.body(), out);
      } else {
        out += p.body();
      }
      p.body().clear();
      if (out.size() > (1u << 20)) break;
      if (r.what == message_parser::event::message_end) {
        if (decoder) decoder->finish();
        decoder.reset();
        out.clear();
        p.next_message();
        p.expect_no_body((flags & 1) != 0);
        if (pos >= in.size()) break;
        continue;
      }
      if (r.what == message_parser::event::need_more && pos >= in.size()) {
        p.finish();  // EOF: completes a body that runs to the end, or throws truncated
        if (decoder) {
          decoder->feed(p.body(), out);
          decoder->finish();
        }
        break;
      }
    }
  } catch (const parse_error&) {
  } catch (const client_error&) {
  }
  return 0;
}
