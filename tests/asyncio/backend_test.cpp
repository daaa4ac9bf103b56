// Choosing a loop's I/O backend: explicitly, through BRAID_ASYNCIO_BACKEND, and the fallback.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "braid/asyncio.hpp"

namespace braid::asyncio {
namespace {

TEST(Backend, AskedForExplicitly) {
  event_loop e({.backend = io_backend_kind::epoll});
  EXPECT_EQ(e.backend(), io_backend_kind::epoll);
  EXPECT_TRUE(e.backend_fallback_reason().empty());
  event_loop u({.backend = io_backend_kind::io_uring});
  // This machine's kernel takes io_uring; elsewhere the loop says why it fell back.
  if (u.backend() == io_backend_kind::epoll) {
    EXPECT_FALSE(u.backend_fallback_reason().empty());
  } else {
    EXPECT_EQ(u.backend(), io_backend_kind::io_uring);
  }
}

// The ctest copies of the I/O suites set the variable; each must get what it names, or the
// "both backends" claim of the suite would be hollow.
TEST(Backend, TheEnvironmentVariableChoosesTheDefault) {
  const char* v = std::getenv("BRAID_ASYNCIO_BACKEND");
  event_loop loop;
  if (v != nullptr && std::string(v) == "io_uring" && loop.backend_fallback_reason().empty()) {
    EXPECT_EQ(loop.backend(), io_backend_kind::io_uring);
  } else if (v != nullptr && std::string(v) == "epoll") {
    EXPECT_EQ(loop.backend(), io_backend_kind::epoll);
  }
  EXPECT_NE(loop.backend(), io_backend_kind::automatic);
}

TEST(Backend, AnUnknownNameInTheEnvironmentIsAnError) {
  const char* old = std::getenv("BRAID_ASYNCIO_BACKEND");
  const std::string saved = old ? old : "";
  ::setenv("BRAID_ASYNCIO_BACKEND", "kqueue", 1);
  EXPECT_THROW(event_loop loop, event_loop_error);
  if (old) {
    ::setenv("BRAID_ASYNCIO_BACKEND", saved.c_str(), 1);
  } else {
    ::unsetenv("BRAID_ASYNCIO_BACKEND");
  }
}

TEST(Backend, RunPassesTheChoiceOn) {
  io_backend_kind seen = io_backend_kind::automatic;
  auto body = [](io_backend_kind* out) -> task<void> {
    *out = event_loop::running().backend();
    co_return;
  };
  run(body(&seen), {.backend = io_backend_kind::epoll});
  EXPECT_EQ(seen, io_backend_kind::epoll);
}

}  // namespace
}  // namespace braid::asyncio
