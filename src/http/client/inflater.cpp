#include "client/inflater.hpp"

#include <zlib.h>

#include <algorithm>

#include "braid/http/errors.hpp"

namespace braid::http::detail {

content_coding coding_of(std::string_view v) noexcept {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (iequals(v, "gzip") || iequals(v, "x-gzip")) return content_coding::gzip;
  if (iequals(v, "deflate")) return content_coding::deflate;
  return content_coding::identity;
}

struct inflater::state {
  z_stream z{};
  bool initialised = false;
  ~state() {
    if (initialised) inflateEnd(&z);
  }
};

inflater::inflater(content_coding coding, std::uint64_t max_output, std::uint32_t max_ratio)
    : s_(std::make_unique<state>()),
      coding_(coding),
      max_output_(max_output),
      max_ratio_(max_ratio) {}

inflater::~inflater() = default;

void inflater::feed(std::string_view in, std::string& out) {
  if (in.empty()) return;
  if (done_) throw decompression_error("data after the end of the compressed stream");
  if (!started_) {
    // "deflate" is meant to be zlib-wrapped (RFC 9110) but servers send raw deflate too: a
    // zlib header is a CMF byte with method 8 and a check over the first two bytes.
    int bits = 15 + 16;  // gzip
    if (coding_ == content_coding::deflate) {
      const auto b0 = static_cast<unsigned char>(in[0]);
      const bool zlib_header =
          in.size() < 2
              ? (b0 & 0x0f) == 8
              : (b0 & 0x0f) == 8 && ((b0 << 8) | static_cast<unsigned char>(in[1])) % 31 == 0;
      bits = zlib_header ? 15 : -15;
    }
    if (inflateInit2(&s_->z, bits) != Z_OK) throw decompression_error("zlib cannot start");
    s_->initialised = true;
    started_ = true;
  }
  auto& z = s_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  in_total_ += in.size();
  constexpr std::size_t step = 64 * 1024;
  while (z.avail_in > 0 && !done_) {
    const std::size_t old = out.size();
    out.resize(old + step);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + old);
    z.avail_out = static_cast<uInt>(step);
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t made = step - z.avail_out;
    out.resize(old + made);
    out_total_ += made;
    if (rc == Z_STREAM_END) {
      done_ = true;
    } else if (rc == Z_BUF_ERROR && made == 0) {
      break;  // needs more input
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw decompression_error(z.msg != nullptr ? z.msg : "corrupt compressed data");
    }
    if (max_output_ != 0 && out_total_ > max_output_) {
      throw payload_too_large_error(max_output_, "the decompressed body");
    }
    const std::uint64_t consumed = in_total_ - z.avail_in;
    if (max_ratio_ != 0 && out_total_ > (1u << 20) &&
        out_total_ / std::max<std::uint64_t>(consumed, 1) > max_ratio_) {
      throw payload_too_large_error(
          max_output_ != 0 ? max_output_ : out_total_,
          "the decompressed body (ratio over " + std::to_string(max_ratio_) + ":1)");
    }
  }
  if (done_ && z.avail_in > 0) throw decompression_error("data after the compressed stream");
}

void inflater::finish() {
  if (started_ && !done_) throw decompression_error("the compressed stream is incomplete");
}

}  // namespace braid::http::detail
