#pragma once
// Streaming gzip/deflate decoding of response bodies with zlib, under the limits that turn a
// decompression bomb into payload_too_large_error. Internal to braid::http; zlib stays out of
// every header (its stream lives behind a pointer).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace braid::http::detail {

enum class content_coding { identity, gzip, deflate };

/// The coding named by a Content-Encoding value braid decodes (identity for anything else,
/// which is passed through as it is).
content_coding coding_of(std::string_view content_encoding) noexcept;

class inflater {
 public:
  /// `max_output`: 0 for none; `max_ratio`: 0 for none (applies after the first MiB).
  inflater(content_coding coding, std::uint64_t max_output, std::uint32_t max_ratio);
  ~inflater();
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;

  /// Decodes `in`, appending to `out`. Throws decompression_error, payload_too_large_error.
  void feed(std::string_view in, std::string& out);
  /// The compressed input ended: throws decompression_error if the stream is incomplete.
  void finish();
  bool done() const noexcept { return done_; }
  std::uint64_t produced() const noexcept { return out_total_; }

 private:
  struct state;
  std::unique_ptr<state> s_;
  content_coding coding_;
  std::uint64_t max_output_;
  std::uint32_t max_ratio_;
  std::uint64_t in_total_ = 0, out_total_ = 0;
  bool started_ = false, done_ = false;
};

}  // namespace braid::http::detail
