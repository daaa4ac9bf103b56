// Subprocesses started and reaped on several threads' loops at once: each loop waits for its
// own children through their pidfds, so no loop may take (reap) another's child, lose an exit
// status, or leave a zombie or a descriptor behind.
#include <unistd.h>

#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "child_check.hpp"
#include "support/stress.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

namespace {

using subprocess_stress = asyncio::test::child_checked;

// One loop's round: four children at once, exit statuses 0..3 (`sh -c 'exit N'`), one of them
// with its output piped; each must come back with its own status.
asyncio::task<void> four_children() {
  std::vector<asyncio::process> children;
  for (int code = 0; code < 4; ++code) {
    std::vector<std::string> args{
        "-c", "echo " + std::to_string(code) + "; exit " + std::to_string(code)};
    asyncio::subprocess_options o;
    if (code == 0) o.stdout_mode = asyncio::stdio::pipe();
    children.push_back(co_await asyncio::create_subprocess_exec("sh", args, o));
  }
  std::string out = co_await children[0].stdout_pipe()->read();
  EXPECT_EQ(out, "0\n");
  for (int code = 3; code >= 0; --code) {
    const int status = co_await children[static_cast<std::size_t>(code)].wait();
    EXPECT_EQ(status, code);
  }
}

TEST_F(subprocess_stress, loops_on_several_threads_reap_only_their_own_children) {
  constexpr int threads = 3;
  const std::size_t rounds = braid::test::stress_rounds(40, 3000ms, [&](std::size_t) {
    std::vector<std::thread> loops;
    for (int t = 0; t < threads; ++t) loops.emplace_back([] { asyncio::run(four_children()); });
    for (auto& l : loops) l.join();
  });
  EXPECT_GE(rounds, 1u);
}

}  // namespace
