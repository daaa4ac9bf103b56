// Data piped through two child processes, as a shell's `tr a-z A-Z | sort` with the parent
// feeding the first and reading the last; then a missing program, and a child that is killed
// because it took too long.
//
// Shown in docs/asyncio.md, "Subprocesses". Python's names: asyncio.create_subprocess_exec,
// stdin=PIPE / stdout=PIPE, proc.communicate(input), FileNotFoundError, proc.kill().
//
// Expected output:
//     APPLE
//     FIG
//     PEAR
//     tr exited with 0, sort with 0
//     cannot run 'no-such-program': No such file or directory
//     cat was killed: returncode -9
#include <braid/asyncio.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;

// [pipeline]
asyncio::task<void> pipeline() {
  // tr's stdout is sort's stdin: one pipe between the children, which the parent never reads.
  int link[2];
  if (::pipe2(link, O_CLOEXEC) != 0) throw braid::os_error(errno, "pipe2");
  asyncio::subprocess_options first;
  first.stdin_mode = asyncio::stdio::pipe();
  first.stdout_mode = asyncio::stdio::fd(link[1]);
  asyncio::subprocess_options second;
  second.stdin_mode = asyncio::stdio::fd(link[0]);
  second.stdout_mode = asyncio::stdio::pipe();
  std::vector<std::string> tr_args;
  tr_args.push_back("a-z");
  tr_args.push_back("A-Z");

  asyncio::process tr = co_await asyncio::create_subprocess_exec("tr", tr_args, first);
  asyncio::process sort =
      co_await asyncio::create_subprocess_exec("sort", std::vector<std::string>(), second);
  ::close(link[0]);  // the children have their own copies: sort sees end of file once tr exits
  ::close(link[1]);

  // Both at once: feeding tr while sort's output is read, so no pipe can fill up and block.
  auto [from_tr, from_sort] =
      co_await asyncio::gather(tr.communicate("pear\napple\nfig\n"), sort.communicate());
  std::printf("%s", from_sort.out.c_str());
  std::printf("tr exited with %d, sort with %d\n", *tr.returncode(), *sort.returncode());
}
// [end pipeline]

// [errors]
asyncio::task<void> errors_and_timeouts() {
  try {
    asyncio::process p = co_await asyncio::create_subprocess_exec("no-such-program");
  } catch (const asyncio::spawn_error& e) {  // an os_error: e.code() is ENOENT
    std::printf("%s\n", e.what());
  }

  // Python's `await asyncio.wait_for(proc.wait(), 0.05)` and proc.kill() on TimeoutError.
  asyncio::subprocess_options o;
  o.stdin_mode = asyncio::stdio::pipe();  // cat waits on it for ever
  asyncio::process cat =
      co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), o);
  const bool too_slow = co_await asyncio::move_on_after(
      50ms, [&](asyncio::timeout_scope&) -> asyncio::task<void> { co_await cat.wait(); });
  if (too_slow) cat.kill();  // the cancelled wait() left it running
  const int code = co_await cat.wait();
  std::printf("cat was killed: returncode %d\n", code);
}
// [end errors]

asyncio::task<void> main_task() {
  co_await pipeline();
  co_await errors_and_timeouts();
}

int main() {
  asyncio::run(main_task());
}
