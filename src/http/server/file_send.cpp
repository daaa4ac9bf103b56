// File responses (web.FileResponse): one open descriptor, the head built from fstat, a single
// byte range answered 206 (416 when it cannot be satisfied), the body sent with sendfile(2), or
// read and written on TLS, where the kernel cannot encrypt.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "braid/http/errors.hpp"
#include "server/connection.hpp"

namespace braid::http::detail {

namespace {

struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};

std::string_view mime_type(std::string_view path) noexcept {
  const auto dot = path.rfind('.');
  if (dot == std::string_view::npos || path.find('/', dot) != std::string_view::npos) {
    return "application/octet-stream";
  }
  const std::string_view ext = path.substr(dot + 1);
  struct entry {
    std::string_view ext, type;
  };
  static constexpr entry table[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"txt", "text/plain; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"svg", "image/svg+xml"},
      {"ico", "image/x-icon"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
      {"xml", "application/xml"},
      {"mp4", "video/mp4"},
      {"webp", "image/webp"},
      {"gz", "application/gzip"},
      {"zip", "application/zip"},
  };
  for (const auto& e : table) {
    if (iequals(e.ext, ext)) return e.type;
  }
  return "application/octet-stream";
}

struct byte_range {
  std::uint64_t first, last;  // inclusive
};

// One range of "bytes=first-last", "bytes=first-" or "bytes=-suffix". nullopt: no usable
// Range (absent, another unit, several ranges: the whole file is sent); a range that is valid
// but past the end is `unsatisfiable`.
std::optional<byte_range> parse_range(std::string_view v, std::uint64_t size, bool& unsatisfiable) {
  unsatisfiable = false;
  if (v.substr(0, 6) != "bytes=") return std::nullopt;
  v.remove_prefix(6);
  if (v.find(',') != std::string_view::npos) return std::nullopt;
  const auto dash = v.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view a = v.substr(0, dash), b = v.substr(dash + 1);
  auto number = [](std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
  };
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {  // suffix
    if (!number(b, last) || last == 0) {
      unsatisfiable = !b.empty();
      return std::nullopt;
    }
    if (size == 0) {
      unsatisfiable = true;
      return std::nullopt;
    }
    return byte_range{last >= size ? 0 : size - last, size - 1};
  }
  if (!number(a, first)) return std::nullopt;
  if (b.empty())
    last = size == 0 ? 0 : size - 1;
  else if (!number(b, last) || last < first)
    return std::nullopt;
  if (first >= size) {
    unsatisfiable = true;
    return std::nullopt;
  }
  if (last >= size) last = size - 1;
  return byte_range{first, last};
}

}  // namespace

asyncio::task<bool> server_connection::write_file(request& req, response& resp, bool keep) {
  const bool head_only = req.method() == "HEAD";
  fd_guard file{::open(resp.file_path().c_str(), O_RDONLY | O_CLOEXEC)};
  struct ::stat st {};
  if (file.fd < 0 || ::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    const int status = (file.fd >= 0 && S_ISDIR(st.st_mode)) ? 403 : 404;
    response err = response::text(std::to_string(status) + ": " + reason_phrase(status), status);
    co_return co_await write_response(req, err, keep);
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (resp.content_type().empty()) resp.set_content_type(std::string(mime_type(resp.file_path())));
  resp.headers().set("Accept-Ranges", "bytes");
  resp.headers().set("Last-Modified", format_http_date(st.st_mtime));
  bool unsatisfiable = false;
  std::optional<byte_range> range;
  if (auto r = req.headers().get("Range"); r && resp.status() == 200) {
    range = parse_range(*r, size, unsatisfiable);
  }
  if (unsatisfiable) {
    response err = response::text("416: Range Not Satisfiable", 416);
    err.headers().set("Content-Range", "bytes */" + std::to_string(size));
    co_return co_await write_response(req, err, keep);
  }
  std::uint64_t offset = 0, length = size;
  if (range) {
    resp.set_status(206);
    offset = range->first;
    length = range->last - range->first + 1;
    resp.headers().set("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                            std::to_string(range->last) + "/" +
                                            std::to_string(size));
  }
  append_head(req, resp, "Content-Length: " + std::to_string(length) + "\r\n", keep);
  if (head_only || length == 0) {
    log(req, resp.status(), 0);
    co_return keep;
  }
  flush_output();
  std::uint64_t sent = 0;
  if (!writer_.is_tls()) {
    while (sent < length) {
      const std::size_t n = co_await writer_.sendfile(file.fd, offset + sent, length - sent);
      if (n == 0) break;  // the file shrank: the promised length cannot be kept
      sent += n;
    }
  } else {
    std::string chunk(64 * 1024, '\0');
    while (sent < length) {
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), length - sent));
      const ::ssize_t n = ::pread(file.fd, chunk.data(), want, static_cast<::off_t>(offset + sent));
      if (n <= 0) break;
      co_await send(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
      sent += static_cast<std::uint64_t>(n);
    }
  }
  log(req, resp.status(), sent);
  co_return keep&& sent == length;
}

}  // namespace braid::http::detail
