#include "braid/multiprocessing/connection.hpp"

#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "braid/multiprocessing/process.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
using namespace std::chrono_literals;
using connection_test = braid_test::leak_checked;

namespace {
// Echoes objects back, doubled, until the parent closes its end.
void echo(mp::connection c) {
  try {
    for (;;) {
      auto m = c.recv<std::map<std::string, int>>();
      for (auto& [k, v] : m) v *= 2;
      c.send(m);
    }
  } catch (const mp::eof_error&) {
  }
}
}  // namespace

TEST_F(connection_test, ObjectsAndBytesTravelBothWays) {
  auto [a, b] = mp::pipe();
  a.send(std::string("hello"));
  EXPECT_TRUE(b.poll(1s));
  EXPECT_EQ(b.recv<std::string>(), "hello");
  b.send_bytes("raw");
  EXPECT_EQ(a.recv_bytes(), "raw");
  EXPECT_FALSE(a.poll());
  b.close();
  EXPECT_THROW(a.recv_bytes(), mp::eof_error);
  EXPECT_THROW(a.send_bytes("x"), mp::transfer_error);
}

TEST_F(connection_test, AConnectionTravelsToAChildProcess) {
  auto [parent, child] = mp::pipe();
  mp::process p(echo, std::move(child));
  p.start();
  for (int i = 0; i < 3; ++i) {
    parent.send(std::map<std::string, int>{{"x", i}, {"y", 10}});
    auto back = parent.recv<std::map<std::string, int>>();
    EXPECT_EQ(back["x"], 2 * i);
    EXPECT_EQ(back["y"], 20);
  }
  parent.close();
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
}

TEST_F(connection_test, RecvOfTheWrongTypeThrows) {
  auto [a, b] = mp::pipe();
  a.send(1);
  EXPECT_THROW(b.recv<std::string>(), braid::error);
}
