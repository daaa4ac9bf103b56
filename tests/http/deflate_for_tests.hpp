#pragma once
// Compresses test bodies with zlib: `window_bits` 15 + 16 is gzip, 15 zlib-wrapped deflate, -15
// raw deflate (deflateInit2's convention).

#include <zlib.h>

#include <string>

namespace braid::http::test {

inline std::string compress(const std::string& data, int window_bits, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace braid::http::test
