// Chrome's trace-event format: {"traceEvents": [...]} with complete ("X") events timed in
// microseconds, and metadata ("M") events naming processes and threads.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "braid/error.hpp"
#include "trace_buffer.hpp"

namespace braid::trace::detail {

namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          out += esc;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

// Microseconds with three decimals: the format's unit, nanoseconds kept.
void append_us(std::string& out, std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(ns / 1000),
                static_cast<long long>(ns < 0 ? -(ns % 1000) : ns % 1000));
  out += buf;
}

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw os_error(e, "braid::trace::stop: writing " + path);
    }
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void write_chrome_json(const std::string& path, std::int64_t origin_ns,
                       const std::vector<event>& events, const std::vector<lane_name>& names,
                       std::size_t dropped) {
  std::string out;
  out.reserve(128 + events.size() * 96);
  out += "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"producer\":\"braid\",\"dropped_events\":";
  out += std::to_string(dropped);
  out += "},\"traceEvents\":[\n";
  bool first = true;
  for (const auto& n : names) {
    if (!first) out += ",\n";
    first = false;
    out += n.tid == 0 ? "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":"
                      : "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":";
    out += std::to_string(n.pid);
    out += ",\"tid\":";
    out += std::to_string(n.tid);
    out += ",\"args\":{\"name\":";
    append_json_string(out, n.name);
    out += "}}";
  }
  for (const auto& e : events) {
    if (!first) out += ",\n";
    first = false;
    out += "{\"ph\":\"X\",\"cat\":\"";
    out += to_string(e.what);
    out += "\",\"name\":";
    append_json_string(out, e.name);
    out += ",\"pid\":";
    out += std::to_string(e.pid);
    out += ",\"tid\":";
    out += std::to_string(e.tid);
    out += ",\"ts\":";
    append_us(out, e.start_ns - origin_ns);
    out += ",\"dur\":";
    append_us(out, e.end_ns > e.start_ns ? e.end_ns - e.start_ns : 0);
    out += '}';
  }
  out += "\n]}\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw os_error(errno, "braid::trace::stop: creating " + path);
  write_all(fd, out, path);
  if (::close(fd) != 0) throw os_error(errno, "braid::trace::stop: closing " + path);
}

}  // namespace braid::trace::detail
