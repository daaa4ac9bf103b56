#include "braid/multiprocessing/shared_memory.hpp"

#include <unistd.h>

#include <cstring>
#include <string>
#include <system_error>

#include <gtest/gtest.h>

#include "braid/error.hpp"
#include "braid/multiprocessing/process.hpp"
#include "braid/multiprocessing/value.hpp"
#include "multiprocessing/leak_check.hpp"

namespace mp = braid::multiprocessing;
using shared_memory_test = braid_test::leak_checked;

namespace {
void write_greeting(mp::shared_memory m) {
  std::memcpy(m.data(), "hello", 6);
}
void fill(mp::array<double> a) {
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<double>(i) * 0.5;
}
}  // namespace

TEST_F(shared_memory_test, AChildWritesWhatTheParentReads) {
  auto m = mp::shared_memory::create(4096);
  EXPECT_TRUE(m.owner());
  mp::process p(write_greeting, m);
  p.start();
  p.join();
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_STREQ(reinterpret_cast<const char*>(m.data()), "hello");
}

TEST_F(shared_memory_test, TheCreatorUnlinksAttachingNeverDoes) {
  std::string name;
  {
    auto m = mp::shared_memory::create(16, "braid-test-explicit-" + std::to_string(::getpid()));
    name = m.name();
    {
      auto a = mp::shared_memory::attach(name);
      EXPECT_FALSE(a.owner());
      EXPECT_EQ(a.size(), 16u);
    }
    EXPECT_NO_THROW(mp::shared_memory::attach(name));  // still there
    EXPECT_THROW(mp::shared_memory::create(16, name), braid::os_error);
  }
  EXPECT_THROW(mp::shared_memory::attach(name), braid::os_error);  // gone with its creator
}

TEST_F(shared_memory_test, ArraysAndValuesAreShared) {
  mp::array<double> a(8, -1.0);
  mp::process p(fill, a);
  p.start();
  p.join();
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], static_cast<double>(i) * 0.5);
  mp::value<int> v(7);
  v.set(v.get() + 1);
  EXPECT_EQ(v.get(), 8);
}

// Errors from the system are braid::os_error (a braid::error) carrying the errno code.
TEST(shared_memory_errors_test, OpeningANameThatDoesNotExistIsAnOsErrorWithEnoent) {
  try {
    auto missing = braid::multiprocessing::shared_memory::attach("braid-test-no-such-block-" +
                                                                 std::to_string(::getpid()));
    ADD_FAILURE() << "no exception";
  } catch (const braid::os_error& e) {
    EXPECT_EQ(e.code(), std::error_code(ENOENT, std::generic_category()));
    const braid::error& base = e;
    EXPECT_NE(std::string(base.what()), "");
  }
}
