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

#include "support/descriptors.hpp"

namespace braid_test {

using braid::test::children;
using braid::test::list_dir;
// Pipes are left out: see the file comment.
inline std::set<std::string> open_fds() {
  return braid::test::open_fds(true);
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
