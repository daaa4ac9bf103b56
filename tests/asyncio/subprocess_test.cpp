// create_subprocess_exec/_shell, process, pipe_reader and pipe_writer: pipes, exit statuses,
// signals, spawn errors, communicate() with more than a pipe holds, cancellation, reaping.
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "child_check.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;
using asyncio::process;
using asyncio::stdio;
using asyncio::subprocess_options;
using asyncio::task;

namespace {

using subprocess_test = asyncio::test::child_checked;

subprocess_options piped_out() {
  subprocess_options o;
  o.stdout_mode = stdio::pipe();
  return o;
}

subprocess_options piped_in_out() {
  subprocess_options o;
  o.stdin_mode = stdio::pipe();
  o.stdout_mode = stdio::pipe();
  return o;
}

std::vector<std::string> args(std::string a) {
  std::vector<std::string> v;
  v.push_back(std::move(a));
  return v;
}

std::vector<std::string> args(std::string a, std::string b) {
  std::vector<std::string> v = args(std::move(a));
  v.push_back(std::move(b));
  return v;
}

// 10 MiB that is not one repeated byte, so a lost or reordered chunk shows.
std::string big_input() {
  std::string s(10 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < s.size(); ++i)
    s[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return s;
}

TEST_F(subprocess_test, reads_stdout_and_returns_the_exit_code) {
  auto body = []() -> task<void> {
    process p = co_await asyncio::create_subprocess_exec("echo", args("hello"), piped_out());
    EXPECT_GT(p.pid(), 0);
    EXPECT_EQ(p.stdin_pipe(), nullptr);
    EXPECT_EQ(p.stderr_pipe(), nullptr);
    EXPECT_NE(p.stdout_pipe(), nullptr);
    const std::string out = co_await p.stdout_pipe()->read();
    EXPECT_EQ(out, "hello\n");
    EXPECT_TRUE(p.stdout_pipe()->at_eof());
    const int code = co_await p.wait();
    EXPECT_EQ(code, 0);
    EXPECT_EQ(p.returncode(), std::optional<int>(0));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, shell_exit_status_and_missing_command) {
  auto body = []() -> task<void> {
    process p = co_await asyncio::create_subprocess_shell("exit 3");
    const int code = co_await p.wait();
    EXPECT_EQ(code, 3);
    process q = co_await asyncio::create_subprocess_shell("braid-no-such-command-xyz 2>/dev/null");
    const int missing = co_await q.wait();
    EXPECT_EQ(missing, 127);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, a_missing_program_is_a_spawn_error_with_the_errno) {
  auto body = []() -> task<void> {
    bool thrown = false;
    try {
      process p = co_await asyncio::create_subprocess_exec(
          "braid-no-such-program-xyz", std::vector<std::string>(), piped_in_out());
    } catch (const asyncio::spawn_error& e) {
      thrown = true;
      EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
      EXPECT_EQ(e.program(), "braid-no-such-program-xyz");
      const braid::os_error& as_os = e;  // Python's FileNotFoundError is an OSError
      EXPECT_NE(std::string(as_os.what()).find("braid-no-such-program-xyz"), std::string::npos);
    }
    EXPECT_TRUE(thrown);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, a_bad_cwd_is_a_spawn_error) {
  auto body = []() -> task<void> {
    subprocess_options o;
    o.cwd = "/braid/no/such/dir";
    bool thrown = false;
    try {
      process p = co_await asyncio::create_subprocess_exec("true", std::vector<std::string>(), o);
    } catch (const asyncio::spawn_error& e) {
      thrown = true;
      EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    }
    EXPECT_TRUE(thrown);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, to_stdout_is_only_for_stderr) {
  auto body = []() -> task<void> {
    subprocess_options o;
    o.stdout_mode = stdio::to_stdout();
    bool thrown = false;
    try {
      process p = co_await asyncio::create_subprocess_exec("true", std::vector<std::string>(), o);
    } catch (const braid::value_error&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, killed_children_report_minus_the_signal) {
  auto body = []() -> task<void> {
    process a =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    a.kill();
    const int killed = co_await a.wait();
    EXPECT_EQ(killed, -SIGKILL);
    process b =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    b.terminate();
    const int terminated = co_await b.wait();
    EXPECT_EQ(terminated, -SIGTERM);
    b.send_signal(SIGKILL);  // reaped: nothing to signal, no error (as Python)
    EXPECT_EQ(b.returncode(), std::optional<int>(-SIGTERM));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, communicate_carries_10_mib_each_way_through_cat) {
  auto body = []() -> task<void> {
    const std::string input = big_input();
    process p =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    asyncio::communicate_result r = co_await p.communicate(input);
    EXPECT_EQ(r.out.size(), input.size());
    EXPECT_TRUE(r.out == input);
    EXPECT_TRUE(r.err.empty());
    EXPECT_EQ(p.returncode(), std::optional<int>(0));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, communicate_reads_stdout_and_stderr_apart_or_merged) {
  auto body = []() -> task<void> {
    subprocess_options apart;
    apart.stdout_mode = stdio::pipe();
    apart.stderr_mode = stdio::pipe();
    process p = co_await asyncio::create_subprocess_shell("echo out; echo err >&2; exit 4", apart);
    asyncio::communicate_result r = co_await p.communicate();
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_EQ(p.returncode(), std::optional<int>(4));

    subprocess_options merged;
    merged.stdout_mode = stdio::pipe();
    merged.stderr_mode = stdio::to_stdout();
    process q = co_await asyncio::create_subprocess_shell("echo out; echo err >&2", merged);
    EXPECT_EQ(q.stderr_pipe(), nullptr);
    asyncio::communicate_result m = co_await q.communicate();
    EXPECT_EQ(m.out, "out\nerr\n");
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, communicate_ignores_a_child_that_stops_reading) {
  auto body = []() -> task<void> {
    process p = co_await asyncio::create_subprocess_exec("head", args("-c1"), piped_in_out());
    const std::string input = big_input();
    asyncio::communicate_result r = co_await p.communicate(input);
    EXPECT_EQ(r.out, "a");
    EXPECT_EQ(p.returncode(), std::optional<int>(0));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, communicate_input_needs_a_stdin_pipe) {
  auto body = []() -> task<void> {
    process p =
        co_await asyncio::create_subprocess_exec("true", std::vector<std::string>(), piped_out());
    bool thrown = false;
    try {
      co_await p.communicate("x");
    } catch (const braid::value_error&) {
      thrown = true;
    }
    EXPECT_TRUE(thrown);
    co_await p.wait();
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, devnull_cwd_and_env) {
  auto body = []() -> task<void> {
    subprocess_options o = piped_out();
    o.stdin_mode = stdio::devnull();
    o.stderr_mode = stdio::devnull();
    o.cwd = "/";
    o.env.emplace();
    (*o.env)["BRAID_TEST_VALUE"] = "forty two";
    process p = co_await asyncio::create_subprocess_exec(
        "/bin/sh", args("-c", "pwd; echo \"$BRAID_TEST_VALUE\"; cat; echo oops >&2"), o);
    asyncio::communicate_result r = co_await p.communicate();
    EXPECT_EQ(r.out, "/\nforty two\n");
    EXPECT_EQ(p.returncode(), std::optional<int>(0));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, stdin_from_a_descriptor_the_parent_owns) {
  auto body = []() -> task<void> {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    subprocess_options o = piped_out();
    o.stdin_mode = stdio::fd(fds[0]);
    process p = co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), o);
    ::close(fds[0]);  // the child has its own copy
    EXPECT_EQ(::write(fds[1], "via fd", 6), 6);
    ::close(fds[1]);
    asyncio::communicate_result r = co_await p.communicate();
    EXPECT_EQ(r.out, "via fd");
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, pipe_reader_read_n_and_read_until) {
  auto body = []() -> task<void> {
    process p =
        co_await asyncio::create_subprocess_exec("printf", args("one\\ntwo--three"), piped_out());
    asyncio::pipe_reader& r = *p.stdout_pipe();
    const std::string first = co_await r.read_until("\n");
    EXPECT_EQ(first, "one\n");
    const std::string two = co_await r.read(2);
    EXPECT_EQ(two, "tw");
    const std::string rest_of_two = co_await r.read_until("--");
    EXPECT_EQ(rest_of_two, "o--");
    const std::string tail = co_await r.read_until("\n");  // end of file first: what is left
    EXPECT_EQ(tail, "three");
    EXPECT_TRUE(r.at_eof());
    const std::string none = co_await r.read(10);
    EXPECT_EQ(none, "");
    co_await p.wait();
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, pipe_writer_write_drain_close_and_broken_pipe) {
  auto body = []() -> task<void> {
    process p =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    asyncio::pipe_writer& w = *p.stdin_pipe();
    w.write("line 1\n");
    co_await w.drain();
    const std::string got = co_await p.stdout_pipe()->read_until("\n");
    EXPECT_EQ(got, "line 1\n");
    w.close();
    EXPECT_TRUE(w.is_closing());
    bool closed_thrown = false;
    try {
      w.write("x");
    } catch (const braid::invalid_state_error&) {
      closed_thrown = true;
    }
    EXPECT_TRUE(closed_thrown);
    co_await p.wait();

    // The reader is gone: EPIPE as an os_error, and no SIGPIPE ends this program.
    process q = co_await asyncio::create_subprocess_exec("true", std::vector<std::string>(),
                                                         piped_in_out());
    co_await q.wait();
    bool broken = false;
    try {
      q.stdin_pipe()->write("nobody reads this");
      co_await q.stdin_pipe()->drain();
    } catch (const braid::os_error& e) {
      broken = e.code() == std::errc::broken_pipe;
    }
    EXPECT_TRUE(broken);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, several_tasks_may_wait_for_one_child) {
  auto body = []() -> task<void> {
    process p =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    auto waiter = [](process* proc) -> task<int> { co_return co_await proc->wait(); };
    auto a = asyncio::create_task(waiter(&p));
    auto b = asyncio::create_task(waiter(&p));
    co_await asyncio::sleep(0s);
    p.stdin_pipe()->close();
    const int ca = co_await a;
    const int cb = co_await b;
    EXPECT_EQ(ca, 0);
    EXPECT_EQ(cb, 0);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, cancelling_wait_leaves_the_child_running) {
  auto body = []() -> task<void> {
    process p =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    auto waiter = [](process* proc) -> task<int> { co_return co_await proc->wait(); };
    auto h = asyncio::create_task(waiter(&p));
    co_await asyncio::sleep(0s);  // h waits now
    h.cancel();
    bool cancelled = false;
    try {
      co_await h;
    } catch (const asyncio::cancelled_error&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(p.returncode(), std::nullopt);
    EXPECT_EQ(::kill(p.pid(), 0), 0);  // still there
    p.stdin_pipe()->write("still alive\n");
    co_await p.stdin_pipe()->drain();
    const std::string echoed = co_await p.stdout_pipe()->read_until("\n");
    EXPECT_EQ(echoed, "still alive\n");
    p.stdin_pipe()->close();
    const int code = co_await p.wait();
    EXPECT_EQ(code, 0);
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, cancelling_communicate_keeps_what_was_read) {
  auto body = []() -> task<void> {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    subprocess_options o = piped_out();
    o.stdin_mode = stdio::fd(fds[0]);
    process p = co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), o);
    ::close(fds[0]);
    EXPECT_EQ(::write(fds[1], "abc", 3), 3);
    auto talk = [](process* proc) -> task<asyncio::communicate_result> {
      co_return co_await proc->communicate();
    };
    auto h = asyncio::create_task(talk(&p));
    // Let it read "abc" (or not: either way nothing may be lost).
    for (int i = 0; i < 4; ++i) co_await asyncio::sleep(0s);
    h.cancel();
    bool cancelled = false;
    try {
      co_await h;
    } catch (const asyncio::cancelled_error&) {
      cancelled = true;
    }
    EXPECT_TRUE(cancelled);
    EXPECT_EQ(p.returncode(), std::nullopt);  // not killed
    EXPECT_EQ(::write(fds[1], "def", 3), 3);
    ::close(fds[1]);
    asyncio::communicate_result r = co_await p.communicate();
    EXPECT_EQ(r.out, "abcdef");
    EXPECT_EQ(p.returncode(), std::optional<int>(0));
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, a_destroyed_process_is_reaped_by_the_loop) {
  auto body = []() -> task<int> {
    int pid = -1;
    int watch = -1;
    {
      process p = co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(),
                                                           piped_in_out());
      pid = p.pid();
      watch = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
      EXPECT_GE(watch, 0);
    }                                        // closes cat's stdin: cat exits; nobody waits for it
    co_await asyncio::wait_readable(watch);  // it exited
    ::close(watch);
    // The loop's reaper saw the same exit in the same poll, or sees it in the next one.
    int rounds = 0;
    while (!asyncio::test::reaped(pid) && rounds < 100) {
      co_await asyncio::sleep(0s);
      ++rounds;
    }
    EXPECT_TRUE(asyncio::test::reaped(pid)) << "a zombie is left";
    co_return rounds;
  };
  const int rounds = asyncio::run(body());
  EXPECT_LT(rounds, 100);
}

TEST_F(subprocess_test, closing_the_loop_kills_and_reaps_what_still_runs) {
  std::optional<process> kept;
  std::vector<asyncio::pipe_writer> stdins;  // held open: each cat would wait for ever
  int orphan_pid = -1;
  auto body = [](std::optional<process>* keep, std::vector<asyncio::pipe_writer>* in,
                 int* orphan) -> task<void> {
    // One the test keeps ...
    keep->emplace(co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(),
                                                           piped_in_out()));
    in->push_back(std::move(*(*keep)->stdin_pipe()));
    // ... and one nobody keeps.
    process lost =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    in->push_back(std::move(*lost.stdin_pipe()));
    *orphan = lost.pid();
  };
  asyncio::run(body(&kept, &stdins, &orphan_pid));
  EXPECT_EQ(kept->returncode(), std::optional<int>(-SIGKILL));
  EXPECT_TRUE(asyncio::test::reaped(kept->pid()));
  EXPECT_TRUE(asyncio::test::reaped(orphan_pid));
  kept.reset();
  stdins.clear();
}

TEST_F(subprocess_test, children_inherit_no_descriptor_of_the_parent_loop) {
  auto body = []() -> task<void> {
    // Pipes of another child are open meanwhile; the new child sees only 0, 1, 2 (and the
    // directory ls reads), plus whatever this test process inherited without close-on-exec.
    process holder =
        co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(), piped_in_out());
    std::set<std::string> expected{"0", "1", "2"};
    for (const auto& fd : asyncio::test::open_fds()) {
      const int flags = ::fcntl(std::stoi(fd), F_GETFD);
      if (flags >= 0 && (flags & FD_CLOEXEC) == 0) expected.insert(fd);
    }
    process ls = co_await asyncio::create_subprocess_exec("ls", args("/proc/self/fd"), piped_out());
    const std::string listing = co_await ls.stdout_pipe()->read();
    std::istringstream lines(listing);
    std::string fd;
    std::vector<std::string> unexpected;
    while (lines >> fd) {
      if (expected.count(fd) == 0) unexpected.push_back(fd);
    }
    // One is the directory ls itself opened, at the lowest free number.
    EXPECT_LE(unexpected.size(), 1u) << "the child inherited fd " << unexpected.back();
    co_await ls.wait();
    holder.stdin_pipe()->close();
    co_await holder.wait();
  };
  asyncio::run(body());
}

TEST_F(subprocess_test, loops_on_several_threads_run_children_at_once) {
  auto one_loop = []() -> task<std::string> {
    std::string all;
    for (int i = 0; i < 5; ++i) {
      process p = co_await asyncio::create_subprocess_exec("cat", std::vector<std::string>(),
                                                           piped_in_out());
      asyncio::communicate_result r = co_await p.communicate("round " + std::to_string(i) + ";");
      all += r.out;
    }
    co_return all;
  };
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&result, &one_loop] { result = asyncio::run(one_loop()); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "round 0;round 1;round 2;round 3;round 4;");
}

}  // namespace
