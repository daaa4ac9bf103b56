#pragma once
// A fixture for tests that start child processes or open descriptors on the loop: after each
// test no descriptor is left open (pipes included), and no child is left, not even a zombie.

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace braid::asyncio::test {

inline std::set<std::string> open_fds() {
  std::set<std::string> fds;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    const int own = ::dirfd(d);
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != ".." && name != std::to_string(own)) fds.insert(name);
    }
    ::closedir(d);
  }
  return fds;
}

// Children of every thread of this process (running or zombie), except sanitizer symbolizers.
inline std::set<std::string> children() {
  std::set<std::string> pids;
  if (DIR* d = ::opendir("/proc/self/task")) {
    while (const dirent* e = ::readdir(d)) {
      const std::string task = e->d_name;
      if (task == "." || task == "..") continue;
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
    ::closedir(d);
  }
  return pids;
}

class child_checked : public ::testing::Test {
 protected:
  void SetUp() override { fds_ = open_fds(); }
  void TearDown() override {
    EXPECT_EQ(children(), std::set<std::string>{}) << "child processes are left";
    EXPECT_EQ(open_fds(), fds_) << "descriptors leaked";
  }

 private:
  std::set<std::string> fds_;
};

// Whether `pid` is gone for good: reaped, so neither running nor a zombie.
inline bool reaped(pid_t pid) {
  siginfo_t info{};
  errno = 0;
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == -1 &&
         errno == ECHILD;
}

}  // namespace braid::asyncio::test
