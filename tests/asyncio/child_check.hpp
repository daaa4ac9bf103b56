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

#include "support/descriptors.hpp"

namespace braid::asyncio::test {

using braid::test::children;
using braid::test::open_fds;

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
