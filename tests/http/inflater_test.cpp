// The response decoder: gzip, zlib-wrapped and raw deflate, limits, corrupt input.
#include "client/inflater.hpp"

#include <zlib.h>

#include <gtest/gtest.h>

#include "braid/http/errors.hpp"
#include "deflate_for_tests.hpp"

namespace braid::http::detail {
namespace {

using braid::http::test::compress;

std::string inflate_all(content_coding c, const std::string& in, std::size_t step) {
  inflater d(c, 0, 0);
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += step)
    d.feed(std::string_view(in).substr(i, step), out);
  d.finish();
  return out;
}

TEST(Inflater, DecodesEachCodingInAnyPieces) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + ",";
  for (std::size_t step : {1u, 7u, 4096u}) {
    EXPECT_EQ(inflate_all(content_coding::gzip, compress(text, 15 + 16), step), text);
    EXPECT_EQ(inflate_all(content_coding::deflate, compress(text, 15), step), text);
    EXPECT_EQ(inflate_all(content_coding::deflate, compress(text, -15), step), text);
  }
}

TEST(Inflater, CodingNames) {
  EXPECT_EQ(coding_of(" GZIP "), content_coding::gzip);
  EXPECT_EQ(coding_of("x-gzip"), content_coding::gzip);
  EXPECT_EQ(coding_of("deflate"), content_coding::deflate);
  EXPECT_EQ(coding_of("br"), content_coding::identity);
}

TEST(Inflater, LimitsStopABomb) {
  const std::string bomb = compress(std::string(16 << 20, '\0'), 15 + 16);
  {
    inflater d(content_coding::gzip, 4 << 20, 0);
    std::string out;
    EXPECT_THROW(d.feed(bomb, out), payload_too_large_error);
    EXPECT_LE(out.size(), (4u << 20) + (64u << 10));
  }
  {
    inflater d(content_coding::gzip, 0, 100);
    std::string out;
    EXPECT_THROW(d.feed(bomb, out), payload_too_large_error);
  }
}

TEST(Inflater, CorruptAndTruncatedInput) {
  inflater d(content_coding::gzip, 0, 0);
  std::string out;
  EXPECT_THROW(d.feed("definitely not gzip", out), decompression_error);
  const std::string whole = compress("hello hello hello", 15 + 16);
  inflater t(content_coding::gzip, 0, 0);
  t.feed(whole.substr(0, whole.size() / 2), out);
  EXPECT_THROW(t.finish(), decompression_error);
}

}  // namespace
}  // namespace braid::http::detail
