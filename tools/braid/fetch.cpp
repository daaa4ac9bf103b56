#include "fetch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "braid/asyncio.hpp"
#include "braid/http.hpp"
#include "fetch_summary.hpp"
#include "progress.hpp"

namespace braid::tool {

namespace {
using clock_type = std::chrono::steady_clock;
namespace http = braid::http;
namespace asyncio = braid::asyncio;
}  // namespace

std::string output_name(const std::string& url_path, const std::vector<std::string>& taken) {
  std::string_view seg = url_path;
  while (!seg.empty() && seg.back() == '/') seg.remove_suffix(1);
  if (const auto slash = seg.rfind('/'); slash != std::string_view::npos)
    seg = seg.substr(slash + 1);
  std::string name;
  for (char ch : http::unquote(seg)) {
    if (ch == '/' || ch == '\\' || ch == '\0' || static_cast<unsigned char>(ch) < 0x20) {
      name.push_back('_');
    } else {
      name.push_back(ch);
    }
  }
  while (!name.empty() && name.front() == '.') name.erase(0, 1);  // no "..", no hidden files
  if (name.size() > 200) name.resize(200);
  if (name.empty()) name = "index";
  auto used = [&](const std::string& n) {
    return std::find(taken.begin(), taken.end(), n) != taken.end();
  };
  if (!used(name)) return name;
  const auto dot = name.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
  const std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot);
  for (int i = 1;; ++i) {
    std::string candidate = stem + "-" + std::to_string(i) + ext;
    if (!used(candidate)) return candidate;
  }
}

bool retryable(const std::string& kind, int status) noexcept {
  if (kind.empty()) return false;
  if (kind == "status") return status >= 500;
  return kind == "connect" || kind == "dns" || kind == "reset" || kind == "timeout" ||
         kind == "truncated_body";
}

namespace {

struct run_state {
  const fetch_options* options;
  std::vector<std::string> urls;
  std::vector<fetch_record> records;
  std::vector<std::string> taken;  // output names handed out (and files already in the dir)
  std::size_t next = 0, done = 0;
  progress_bar* progress;
};

// Writes the body to a new file in the output directory; O_EXCL|O_NOFOLLOW: never an existing
// file or a symlink's target.
asyncio::task<std::uint64_t> save_body(http::client_response& r, int fd) {
  std::uint64_t total = 0;
  for (;;) {
    std::string piece = co_await r.iter_any();
    if (piece.empty()) break;
    total += piece.size();
    std::size_t off = 0;
    while (off < piece.size()) {
      const ssize_t n = ::write(fd, piece.data() + off, piece.size() - off);
      if (n < 0) throw os_error(errno, "write");
      off += static_cast<std::size_t>(n);
    }
  }
  co_return total;
}

// One attempt: the status and body size, or a typed error.
asyncio::task<fetch_record> attempt(run_state& st, http::client_session& session,
                                    const std::string& u) {
  fetch_record rec;
  try {
    http::client_response r = co_await session.get(u);
    rec.status = r.status();
    if (!st.options->output_dir.empty() && r.ok()) {
      const std::string name = output_name(r.url().path(), st.taken);
      st.taken.push_back(name);
      const std::string path = st.options->output_dir + "/" + name;
      const int fd =
          ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
      if (fd < 0) throw os_error(errno, "open " + path);
      try {
        rec.bytes = co_await save_body(r, fd);
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
    } else {
      std::string body = co_await r.read();
      rec.bytes = body.size();
    }
    if (rec.status >= 400) rec.error_kind = "status";
  } catch (const http::client_error& e) {
    rec.error_kind = e.kind();
    if (rec.error_kind == "invalid_url") rec.error_kind = "connect";
  } catch (const http::invalid_url_error&) {
    rec.error_kind = "connect";  // nothing could be connected to
  } catch (const value_error&) {
    rec.error_kind = "connect";
  }
  co_return rec;
}

asyncio::task<void> fetch_with_retries(run_state& st, http::client_session& session,
                                       std::size_t index) {
  const auto start = clock_type::now();
  fetch_record rec;
  auto delay = std::chrono::milliseconds(100);
  for (int tries = 0;; ++tries) {
    rec = co_await attempt(st, session, st.urls[index]);
    if (tries >= st.options->retries || !retryable(rec.error_kind, rec.status)) {
      rec.retries = tries;
      break;
    }
    co_await asyncio::sleep(delay);
    delay *= 2;
  }
  rec.latency_ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  st.records[index] = std::move(rec);
  st.progress->update(++st.done);
}

asyncio::task<void> worker(run_state& st, http::client_session& session) {
  while (st.next < st.urls.size()) {
    const std::size_t i = st.next++;
    co_await fetch_with_retries(st, session, i);
  }
}

asyncio::task<void> fetch_all(run_state& st) {
  http::session_options so;
  so.connector.limit = static_cast<std::size_t>(st.options->concurrency);
  if (st.options->timeout_s > 0) {
    so.timeout.total = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(st.options->timeout_s));
  }
  if (st.options->insecure) so.connector.ssl = asyncio::ssl_context::insecure_client();
  http::client_session session(std::move(so));
  auto body = [&](asyncio::task_group& g) -> asyncio::task<void> {
    const auto n =
        std::min<std::size_t>(static_cast<std::size_t>(st.options->concurrency), st.urls.size());
    for (std::size_t i = 0; i < n; ++i) g.create_task(worker(st, session));
    co_return;
  };
  co_await asyncio::with_task_group(body);
  co_await session.close();
}

std::vector<std::string> read_url_file(const std::string& path) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) throw std::runtime_error("cannot read " + path);
    in = &file;
  }
  std::vector<std::string> urls;
  std::string line;
  while (std::getline(*in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    urls.push_back(line.substr(start));
  }
  return urls;
}

}  // namespace

int run_fetch(const fetch_options& options) {
  run_state st;
  st.options = &options;
  try {
    st.urls = options.urls;
    if (!options.input_file.empty()) {
      auto more = read_url_file(options.input_file);
      st.urls.insert(st.urls.end(), more.begin(), more.end());
    }
    if (st.urls.empty()) {
      std::cerr << "braid fetch: no URLs (give them as arguments or with -i FILE)\n";
      return 2;
    }
    if (!options.output_dir.empty()) {
      std::filesystem::create_directories(options.output_dir);
      for (const auto& e : std::filesystem::directory_iterator(options.output_dir)) {
        st.taken.push_back(e.path().filename().string());
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "braid fetch: " << e.what() << "\n";
    return 2;
  }
  st.records.resize(st.urls.size());
  progress_bar bar(st.urls.size(), ::isatty(2) == 1);
  st.progress = &bar;
  const auto start = clock_type::now();
  try {
    asyncio::run(fetch_all(st));
  } catch (const std::exception& e) {
    bar.finish();
    std::cerr << "braid fetch: " << e.what() << "\n";
    return 1;
  }
  bar.finish();
  const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  const fetch_summary s = summarize(st.records, seconds);
  std::cout << (options.json ? to_json(s) : to_text(s));
  std::cout.flush();
  return s.failed == 0 ? 0 : 1;
}

}  // namespace braid::tool
