// A worker rank: waits for a pool's hello, checks it runs the pool's binary, then runs tasks and
// answers each in order, until the pool ends (world: wait for the next pool) or says quit.

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <thread>

#include "braid/multiprocessing/detail/binary_identity.hpp"
#include "braid/multiprocessing/detail/remote_failure.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"
#include "detail/runtime.hpp"

namespace braid::mpi::detail {
namespace {

namespace mpd = braid::multiprocessing::detail;

// Waits for the next message from rank 0 of `comm` and receives it into `body`; returns its
// tag. MPI's blocking receive would spin a core for as long as the worker is idle.
int receive(MPI_Comm comm, std::string& body, backoff& wait) {
  wait.reset();
  for (;;) {
    int flag = 0;
    MPI_Message msg;
    MPI_Status st;
    if (MPI_Improbe(0, MPI_ANY_TAG, comm, &flag, &msg, &st) != MPI_SUCCESS) return quit;
    if (flag != 0) {
      int count = 0;
      MPI_Get_count(&st, MPI_BYTE, &count);
      body.resize(static_cast<std::size_t>(count));
      if (MPI_Mrecv(body.data(), count, MPI_BYTE, &msg, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
        return quit;
      }
      return st.MPI_TAG;
    }
    const auto pause = wait.step();
    if (pause.count() != 0) std::this_thread::sleep_for(pause);
  }
}

void send(MPI_Comm comm, int t, const std::string& body) {
  MPI_Send(body.data(), static_cast<int>(body.size()), MPI_BYTE, 0, t, comm);
}

// Answers a hello: true if this worker can serve the pool.
bool greet(MPI_Comm comm, const std::string& body, backoff& wait) {
  hello_message hello;
  try {
    hello = mpd::decode_value<hello_message>(body);
  } catch (...) {
    send(comm, fatal, "the worker could not read the pool's greeting: it runs another program");
    return false;
  }
  std::string mismatch;
  try {
    mismatch = mpd::identity_mismatch(hello.identity);
  } catch (const std::exception& e) {
    mismatch = e.what();
  }
  if (!mismatch.empty()) {
    send(comm, fatal, mismatch);
    return false;
  }
  wait.set_max(std::chrono::microseconds(hello.max_poll_us));
  if (!hello.initializer.empty()) {
    std::string out;
    if (!mpd::run_call_catching(hello.initializer, out)) {
      std::string text = "its initializer threw";
      try {
        const auto e = mpd::decode_failure(out);
        text += ' ' + e.type + ": " + e.message;
      } catch (...) {
      }
      send(comm, fatal, text);
      return false;
    }
  }
  send(comm, ready, mpd::encode_value(where_am_i()));
  return true;
}

}  // namespace

void serve_as_worker(runtime& rt, MPI_Comm comm, bool spawned) {
  tighten_timer_slack();
  backoff wait(std::chrono::microseconds(1000));
  std::string body, result;
  bool serving = false;
  bool finalize = true;
  for (bool done = false; !done;) {
    switch (receive(comm, body, wait)) {
      case hello:
        serving = greet(comm, body, wait);
        break;
      case task: {
        result.clear();
        bool ok = false;
        if (serving) {
          ok = mpd::run_call_catching(body, result);
        } else {
          try {
            throw std::logic_error("this worker did not accept the pool");
          } catch (...) {
            result = mpd::encode_value(mpd::describe_current_exception());
          }
        }
        if (result.size() > static_cast<std::size_t>(INT_MAX)) {
          try {
            throw std::length_error("the task's result is 2 GiB or more, more than MPI sends");
          } catch (...) {
            result = mpd::encode_value(mpd::describe_current_exception());
            ok = false;
          }
        }
        std::fflush(stdout);
        std::fflush(stderr);
        send(comm, ok ? tag::result : failure, result);
        break;
      }
      case end:
        serving = false;
        done = spawned;
        break;
      case quit:
        done = true;
        finalize = body.empty();  // a body: a rank died, and MPI_Finalize could hang
        break;
      default:
        break;
    }
  }
  std::fflush(nullptr);
  if (finalize) {
    if (spawned) MPI_Comm_disconnect(&comm);
    if (rt.world != MPI_COMM_NULL) MPI_Comm_free(&rt.world);
  }
  if (rt.owns_mpi && finalize) MPI_Finalize();
  ::_exit(0);
}

}  // namespace braid::mpi::detail
