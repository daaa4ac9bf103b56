#pragma once
// A fixture for braid::multiprocessing tests: after every test, no child process is left (not
// even a zombie), no descriptor leaked and no braid shared-memory segment is left in /dev/shm.
//
// Sanitizer runtimes may start a symbolizer child (ThreadSanitizer does, to match a suppression)
// talking over pipes; braid itself never creates pipes, so pipes and symbolizer children are not
// counted.

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace braid_test {

inline std::set<std::string> list_dir(const std::string& path, const std::string& prefix = "") {
  std::set<std::string> names;
  if (DIR* d = ::opendir(path.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != ".." && name.rfind(prefix, 0) == 0) names.insert(name);
    }
    ::closedir(d);
  }
  return names;
}

// Open descriptors, except pipes.
inline std::set<std::string> open_fds() {
  std::set<std::string> fds;
  for (const auto& fd : list_dir("/proc/self/fd")) {
    char target[256] = {};
    const std::string link = "/proc/self/fd/" + fd;
    const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<std::size_t>(n)).rfind("pipe:", 0) == 0) continue;
    fds.insert(fd);
  }
  return fds;
}

// Child processes (running or zombie), except sanitizer symbolizers.
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

class leak_checked : public ::testing::Test {
 protected:
  void SetUp() override {
    fds_ = open_fds();
    shm_ = list_dir("/dev/shm", shm_prefix());
  }
  void TearDown() override {
    EXPECT_EQ(children(), std::set<std::string>{}) << "child processes are left";
    if (children().empty()) {
      errno = 0;
      const pid_t zombie = ::waitpid(-1, nullptr, WNOHANG);
      // ECHILD, or 0 when only a sanitizer's symbolizer runs: either way nothing to reap.
      EXPECT_TRUE(zombie == 0 || (zombie == -1 && errno == ECHILD)) << "a zombie is left";
    }
    EXPECT_EQ(open_fds(), fds_) << "descriptors leaked";
    EXPECT_EQ(list_dir("/dev/shm", shm_prefix()), shm_) << "shared-memory segments leaked";
  }
  // Segments braid names after this process (other tests may run in parallel).
  static std::string shm_prefix() { return "braid-" + std::to_string(::getpid()) + "-"; }

 private:
  std::set<std::string> fds_, shm_;
};

}  // namespace braid_test
