#include "braid/http/headers.hpp"

#include <gtest/gtest.h>

using braid::http::headers;

TEST(Headers, LookupIgnoresCaseAndKeepsRepeatsInOrder) {
  headers h;
  h.add("Set-Cookie", "a=1");
  h.add("Content-Type", "text/plain");
  h.add("set-cookie", "b=2");
  EXPECT_EQ(h.get("content-type").value(), "text/plain");
  EXPECT_EQ(h.get("SET-COOKIE").value(), "a=1");
  ASSERT_EQ(h.get_all("Set-Cookie").size(), 2u);
  EXPECT_EQ(h.get_all("Set-Cookie")[1], "b=2");
  EXPECT_FALSE(h.get("X-Missing").has_value());
  EXPECT_EQ(h.get_or("X-Missing", "none"), "none");
}

TEST(Headers, SetReplacesEveryFieldOfThatName) {
  headers h{{"Accept", "a"}, {"X", "1"}, {"accept", "b"}};
  h.set("ACCEPT", "c");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.get_all("accept").size(), 1u);
  EXPECT_EQ(h.begin()->second, "c");
}

TEST(Headers, UpdateOverridesByNameAndKeepsTheOthers) {
  headers session{{"User-Agent", "braid"}, {"Accept", "*/*"}};
  headers request{{"accept", "application/json"}, {"X-A", "1"}, {"X-A", "2"}};
  session.update(request);
  EXPECT_EQ(session.get("Accept").value(), "application/json");
  EXPECT_EQ(session.get("User-Agent").value(), "braid");
  EXPECT_EQ(session.get_all("x-a").size(), 2u);
}

TEST(Headers, RemoveAndSetDefault) {
  headers h{{"A", "1"}, {"a", "2"}, {"B", "3"}};
  EXPECT_EQ(h.remove("A"), 2u);
  h.set_default("B", "ignored");
  h.set_default("C", "4");
  EXPECT_EQ(h.get("b").value(), "3");
  EXPECT_EQ(h.get("c").value(), "4");
}
