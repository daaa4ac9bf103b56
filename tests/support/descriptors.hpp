#pragma once
// What a test checks was left behind: this process's open descriptors and child processes,
// read from /proc. One copy for every module's leak checks.

#include <dirent.h>
#include <unistd.h>

#include <cstddef>
#include <fstream>
#include <set>
#include <string>

namespace braid::test {

/// The names in directory `path` starting with `prefix` ("." and ".." left out).
inline std::set<std::string> list_dir(const std::string& path, const std::string& prefix = "") {
  std::set<std::string> names;
  if (DIR* d = ::opendir(path.c_str())) {
    const std::string own = path == "/proc/self/fd" ? std::to_string(::dirfd(d)) : std::string();
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name == "." || name == ".." || name == own) continue;  // the listing's own descriptor
      if (name.rfind(prefix, 0) == 0) names.insert(name);
    }
    ::closedir(d);
  }
  return names;
}

/// This process's open descriptors. With `skip_pipes`, pipes are left out (a sanitizer's
/// symbolizer talks over pipes the test does not own).
inline std::set<std::string> open_fds(bool skip_pipes = false) {
  std::set<std::string> fds;
  for (const auto& fd : list_dir("/proc/self/fd")) {
    if (skip_pipes) {
      char target[256] = {};
      const std::string link = "/proc/self/fd/" + fd;
      const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
      if (n > 0 && std::string(target, static_cast<std::size_t>(n)).rfind("pipe:", 0) == 0)
        continue;
    }
    fds.insert(fd);
  }
  return fds;
}

/// How many descriptors are open (a test compares before and after).
inline std::size_t open_fd_count() {
  return open_fds().size();
}

/// Children of every thread of this process, running or zombie, as "pid (name)", except
/// sanitizer symbolizers.
inline std::set<std::string> children() {
  std::set<std::string> pids;
  for (const auto& task : list_dir("/proc/self/task")) {
    std::ifstream in("/proc/self/task/" + task + "/children");
    std::string pid;
    while (in >> pid) {
      std::ifstream comm("/proc/" + pid + "/comm");
      std::string name;
      std::getline(comm, name);
      if (name.find("symbolizer") != std::string::npos || name == "addr2line") continue;
      pids.insert(pid + " (" + name + ")");
    }
  }
  return pids;
}

}  // namespace braid::test
