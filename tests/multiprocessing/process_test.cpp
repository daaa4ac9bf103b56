#include "braid/multiprocessing/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "braid/multiprocessing/connection.hpp"
#include "braid/multiprocessing/synchronize.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;
using process_test = braid_test::leak_checked;

namespace {
void report_square(mp::connection out, int n) {
  out.send(n * n);
}
void wait_forever(mp::event never) {
  never.wait();
}
}  // namespace

TEST_F(process_test, RunsTheTargetAndReportsExitCodes) {
  auto [parent, child] = mp::pipe();
  mp::process p(report_square, std::move(child), 5);
  EXPECT_EQ(p.pid(), -1);
  EXPECT_FALSE(p.exitcode());
  p.start();
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(parent.recv<int>(), 25);
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_FALSE(p.is_alive());
  EXPECT_THROW(p.start(), braid::futures::invalid_state_error);
}

TEST_F(process_test, ATargetThatThrowsExitsWithOne) {
  mp::process p([] { throw std::runtime_error("from the child"); });
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), 1);
}

TEST_F(process_test, ASignalGivesANegativeExitCode) {
  mp::process p([] { std::abort(); });
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), -SIGABRT);
}

TEST_F(process_test, JoinWithTimeoutTerminateAndKill) {
  mp::event never;
  mp::process p(wait_forever, never);
  p.start();
  EXPECT_FALSE(p.join(10ms));
  EXPECT_TRUE(p.is_alive());
  p.terminate();
  p.join();
  EXPECT_EQ(p.exitcode(), -SIGTERM);

  mp::process q(wait_forever, never);
  q.start();
  q.kill();
  EXPECT_TRUE(q.join(30s));
  EXPECT_EQ(q.exitcode(), -SIGKILL);
}

TEST_F(process_test, ADaemonIsKilledWhenItsObjectIsDestroyed) {
  mp::event never;
  {
    mp::process p(wait_forever, never);
    p.daemon = true;
    p.start();
  }  // no hang, no zombie (checked by the fixture)
}

TEST_F(process_test, ExitCodeOfStdExit) {
  mp::process p([] { std::exit(4); });
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), 4);
}

TEST_F(process_test, ACallWithTooManyDescriptorsIsRefusedByStart) {
  std::vector<mp::connection> cs;
  for (int i = 0; i < 65; ++i) cs.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  mp::process p([](std::vector<mp::connection>) {}, std::move(cs));
  EXPECT_THROW(p.start(), mp::transfer_error);
  EXPECT_EQ(p.pid(), -1);
}

// With SIGCHLD ignored the kernel reaps the child itself: its exit code cannot be known.
TEST_F(process_test, AnIgnoredSigchldGivesAnUnknownExitcode) {
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGCHLD, &ignore, &old);
  mp::process p([] { std::exit(3); });
  p.start();
  p.join();
  ::sigaction(SIGCHLD, &old, nullptr);
  EXPECT_EQ(p.exitcode(), mp::process::exitcode_unknown);
  EXPECT_FALSE(p.is_alive());
}
