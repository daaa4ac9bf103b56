// event_loop::add_signal_handler / remove_signal_handler: signals raised on the loop thread and
// sent from other threads, removal restoring the previous disposition and mask, re-adding,
// errors, and run()'s SIGINT handling.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "braid/asyncio.hpp"
#include "child_check.hpp"
#include "support/excepthook_capture.hpp"

namespace asyncio = braid::asyncio;
using namespace std::chrono_literals;
using asyncio::event_loop;
using asyncio::task;

namespace {

using signal_test = asyncio::test::child_checked;

bool blocked_here(int signo) {
  sigset_t now;
  ::pthread_sigmask(SIG_BLOCK, nullptr, &now);
  return sigismember(&now, signo) == 1;
}

void (*disposition(int signo))(int) {
  struct sigaction act {};
  ::sigaction(signo, nullptr, &act);
  return act.sa_handler;
}

std::atomic<int> c_handler_calls{0};
extern "C" void count_in_c_handler(int) {
  c_handler_calls.fetch_add(1);
}

// SIGUSR2 with a plain C handler for the test's length: after removal the signal goes there,
// and a stray delivery cannot end the test program.
struct sigusr2_counted {
  struct sigaction old {};
  sigusr2_counted() {
    struct sigaction act {};
    act.sa_handler = &count_in_c_handler;
    sigemptyset(&act.sa_mask);
    ::sigaction(SIGUSR2, &act, &old);
    c_handler_calls.store(0);
  }
  ~sigusr2_counted() { ::sigaction(SIGUSR2, &old, nullptr); }
};

TEST_F(signal_test, raise_on_the_loop_thread_runs_the_handler_there) {
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event got;
    int calls = 0;
    std::thread::id ran_on;
    loop.add_signal_handler(SIGUSR1, [&] {
      ++calls;
      ran_on = std::this_thread::get_id();
      got.set();
    });
    EXPECT_TRUE(blocked_here(SIGUSR1));
    ::raise(SIGUSR1);
    co_await got.wait();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(ran_on, std::this_thread::get_id());
    EXPECT_TRUE(loop.remove_signal_handler(SIGUSR1));
    EXPECT_FALSE(loop.remove_signal_handler(SIGUSR1));
    EXPECT_FALSE(blocked_here(SIGUSR1));
    EXPECT_EQ(disposition(SIGUSR1), SIG_DFL);
  };
  asyncio::run(body());
}

TEST_F(signal_test, signals_from_another_thread_reach_the_loop_thread) {
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event got;
    std::vector<std::thread::id> ran_on;
    loop.add_signal_handler(SIGUSR1, [&] {
      ran_on.push_back(std::this_thread::get_id());
      got.set();
    });
    // The sender does not block SIGUSR1: a process-directed kill() may land on it, and a raise()
    // there always does; both must be forwarded to the loop.
    for (int round = 0; round < 50; ++round) {
      got.clear();
      const bool directed_at_sender = round % 2 == 1;
      std::thread sender([directed_at_sender] {
        // Made by the loop thread, it inherited the block: a thread made elsewhere has none.
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        ::pthread_sigmask(SIG_UNBLOCK, &usr1, nullptr);
        if (directed_at_sender) {
          ::raise(SIGUSR1);
        } else {
          ::kill(::getpid(), SIGUSR1);
        }
      });
      co_await got.wait();
      sender.join();
    }
    EXPECT_EQ(ran_on.size(), 50u);
    for (const auto& id : ran_on) EXPECT_EQ(id, std::this_thread::get_id());
    loop.remove_signal_handler(SIGUSR1);
  };
  asyncio::run(body());
}

TEST_F(signal_test, removal_restores_the_previous_handler_and_readding_works) {
  sigusr2_counted previous;
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event got;
    int first = 0;
    int second = 0;
    loop.add_signal_handler(SIGUSR2, [&] {
      ++first;
      got.set();
    });
    loop.add_signal_handler(SIGUSR2, [&] {  // replaces the first
      ++second;
      got.set();
    });
    ::raise(SIGUSR2);
    co_await got.wait();
    EXPECT_EQ(first, 0);
    EXPECT_EQ(second, 1);
    EXPECT_EQ(c_handler_calls.load(), 0);

    EXPECT_TRUE(loop.remove_signal_handler(SIGUSR2));
    EXPECT_EQ(disposition(SIGUSR2), &count_in_c_handler);
    ::raise(SIGUSR2);  // unblocked again: the C handler runs before raise returns
    EXPECT_EQ(c_handler_calls.load(), 1);

    got.clear();
    loop.add_signal_handler(SIGUSR2, [&] {
      ++first;
      got.set();
    });
    ::raise(SIGUSR2);
    co_await got.wait();
    EXPECT_EQ(first, 1);
    EXPECT_EQ(c_handler_calls.load(), 1);
    loop.remove_signal_handler(SIGUSR2);
  };
  asyncio::run(body());
}

TEST_F(signal_test, a_handler_may_remove_itself_and_two_signals_are_handled_apart) {
  sigusr2_counted previous;
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event both;
    int usr1 = 0;
    int usr2 = 0;
    loop.add_signal_handler(SIGUSR1, [&] {
      ++usr1;
      loop.remove_signal_handler(SIGUSR1);
      if (usr2 != 0) both.set();
    });
    loop.add_signal_handler(SIGUSR2, [&] {
      ++usr2;
      if (usr1 != 0) both.set();
    });
    ::raise(SIGUSR1);
    ::raise(SIGUSR2);
    co_await both.wait();
    EXPECT_EQ(usr1, 1);
    EXPECT_EQ(usr2, 1);
    EXPECT_FALSE(loop.remove_signal_handler(SIGUSR1));
    EXPECT_FALSE(blocked_here(SIGUSR1));
    EXPECT_TRUE(blocked_here(SIGUSR2));
    loop.remove_signal_handler(SIGUSR2);
  };
  asyncio::run(body());
}

TEST_F(signal_test, what_a_handler_throws_goes_to_the_excepthook) {
  braid::test::excepthook_capture hook;
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event got;
    loop.add_signal_handler(SIGUSR1, [&] {
      got.set();
      throw braid::value_error("handler failed");
    });
    ::raise(SIGUSR1);
    co_await got.wait();
    loop.remove_signal_handler(SIGUSR1);
  };
  asyncio::run(body());
  const auto reports = hook.reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].what, "handler failed");
  EXPECT_EQ(reports[0].where, "signal handler");
}

TEST_F(signal_test, refuses_what_cannot_be_handled) {
  event_loop loop;
  auto noop = [] {};
  EXPECT_THROW(loop.add_signal_handler(SIGKILL, noop), braid::value_error);
  EXPECT_THROW(loop.add_signal_handler(SIGSTOP, noop), braid::value_error);
  EXPECT_THROW(loop.add_signal_handler(SIGSEGV, noop), braid::value_error);
  EXPECT_THROW(loop.add_signal_handler(0, noop), braid::value_error);
  EXPECT_THROW(loop.add_signal_handler(NSIG, noop), braid::value_error);
  EXPECT_THROW(loop.add_signal_handler(SIGUSR1, std::function<void()>()), braid::value_error);
  EXPECT_THROW(loop.remove_signal_handler(-1), braid::value_error);
  EXPECT_FALSE(loop.remove_signal_handler(SIGUSR1));
  EXPECT_FALSE(blocked_here(SIGUSR1));

  // One loop per signal in the process.
  event_loop other;
  loop.add_signal_handler(SIGUSR1, noop);
  EXPECT_THROW(other.add_signal_handler(SIGUSR1, noop), braid::invalid_state_error);
  loop.close();  // removes its handlers
  EXPECT_EQ(disposition(SIGUSR1), SIG_DFL);
  EXPECT_FALSE(blocked_here(SIGUSR1));
  other.add_signal_handler(SIGUSR1, noop);
  other.close();
  EXPECT_THROW(other.add_signal_handler(SIGUSR1, noop), asyncio::event_loop_error);
}

TEST_F(signal_test, a_sigint_handler_replaces_run_s_interrupt_while_installed) {
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    asyncio::event got;
    int calls = 0;
    loop.add_signal_handler(SIGINT, [&] {
      ++calls;
      got.set();
    });
    ::raise(SIGINT);  // the user's handler: main goes on
    co_await got.wait();
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(loop.remove_signal_handler(SIGINT));
    ::raise(SIGINT);  // run()'s handling again: main is cancelled
    asyncio::event never;
    co_await never.wait();
    ADD_FAILURE() << "SIGINT did not cancel main";
  };
  EXPECT_THROW(asyncio::run(body()), asyncio::interrupted_error);
  EXPECT_EQ(disposition(SIGINT), SIG_DFL);
  EXPECT_FALSE(blocked_here(SIGINT));
}

TEST_F(signal_test, run_restores_sigint_when_main_ends_with_a_handler_installed) {
  auto body = []() -> task<int> {
    event_loop::running().add_signal_handler(SIGINT, [] {});
    co_return 7;
  };
  EXPECT_EQ(asyncio::run(body()), 7);
  EXPECT_EQ(disposition(SIGINT), SIG_DFL);
  EXPECT_FALSE(blocked_here(SIGINT));
  // And run() handles SIGINT again the next time.
  auto interrupted = []() -> task<void> {
    ::raise(SIGINT);
    asyncio::event never;
    co_await never.wait();
  };
  EXPECT_THROW(asyncio::run(interrupted()), asyncio::interrupted_error);
}

TEST_F(signal_test, children_start_with_an_empty_signal_mask) {
  auto body = []() -> task<void> {
    event_loop& loop = event_loop::running();
    loop.add_signal_handler(SIGUSR1, [] {});
    EXPECT_TRUE(blocked_here(SIGUSR1));
    asyncio::subprocess_options o;
    o.stdout_mode = asyncio::stdio::pipe();
    std::vector<std::string> args;
    args.push_back("SigBlk");
    args.push_back("/proc/self/status");
    asyncio::process p = co_await asyncio::create_subprocess_exec("grep", args, o);
    const std::string line = co_await p.stdout_pipe()->read();
    EXPECT_EQ(line, "SigBlk:\t0000000000000000\n");
    co_await p.wait();
    loop.remove_signal_handler(SIGUSR1);
  };
  asyncio::run(body());
}

}  // namespace
