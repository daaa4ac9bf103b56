// The identity a worker on another machine checks (braid::mpi), and the failure text every
// out-of-process executor sends back for a task that threw.

#include "braid/multiprocessing/detail/binary_identity.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "braid/multiprocessing/detail/remote_failure.hpp"
#include "braid/multiprocessing/detail/serialize.hpp"
#include "braid/multiprocessing/errors.hpp"

namespace mp = braid::multiprocessing;
namespace detail = braid::multiprocessing::detail;

namespace {

TEST(BinaryIdentity, NamesTheBuildIdAndTheAnchor) {
  const detail::binary_identity& id = detail::this_binary();
  // Debian's toolchain links every program with a SHA-1 build id: 20 bytes, 40 hex digits.
  ASSERT_EQ(id.build.rfind("build-id:", 0), 0u) << id.build;
  EXPECT_EQ(id.build.size(), std::string("build-id:").size() + 40);
  EXPECT_TRUE(id.anchor.object.empty());  // braid is linked statically into the test
  EXPECT_EQ(&detail::this_binary(), &id);
  EXPECT_EQ(detail::identity_mismatch(id), "");
}

TEST(BinaryIdentity, SurvivesTheTrip) {
  const auto bytes = detail::encode_value(detail::this_binary());
  EXPECT_EQ(detail::identity_mismatch(detail::decode_value<detail::binary_identity>(bytes)), "");
}

TEST(BinaryIdentity, ADifferentBuildOrLayoutIsAMismatch) {
  detail::binary_identity other = detail::this_binary();
  other.build = "build-id:00";
  EXPECT_NE(detail::identity_mismatch(other).find("different binary"), std::string::npos);
  other = detail::this_binary();
  other.anchor.offset += 16;
  EXPECT_NE(detail::identity_mismatch(other).find("laid out differently"), std::string::npos);
}

int throws_range(int) {
  throw std::out_of_range("index 7");
}

TEST(RemoteFailure, ACaughtExceptionBecomesARemoteError) {
  detail::payload call = detail::encode_call(&throws_range, 7);
  std::string out;
  ASSERT_FALSE(detail::run_call_catching(call.bytes, out));
  const detail::failure_text text = detail::decode_failure(out);
  EXPECT_EQ(text.type, "std::out_of_range");
  EXPECT_EQ(text.message, "index 7");
  EXPECT_FALSE(text.stack.empty());
  try {
    std::rethrow_exception(detail::decode_remote_error(out));
  } catch (const mp::remote_error& e) {
    EXPECT_EQ(e.type_name(), "std::out_of_range");
    EXPECT_STREQ(e.what(), "std::out_of_range: index 7");
  }
}

int doubles(int x) {
  return 2 * x;
}

TEST(RemoteFailure, ACallThatReturnsGivesItsResult) {
  detail::payload call = detail::encode_call(&doubles, 21);
  std::string out;
  ASSERT_TRUE(detail::run_call_catching(call.bytes, out));
  EXPECT_EQ(detail::decode_value<int>(out), 42);
}

TEST(RemoteFailure, GarbageIsNotARemoteError) {
  EXPECT_THROW(std::rethrow_exception(detail::decode_remote_error("x")), std::exception);
  EXPECT_THROW(detail::decode_failure(""), std::exception);
}

}  // namespace
