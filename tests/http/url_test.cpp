#include "braid/http/url.hpp"

#include <gtest/gtest.h>

#include "braid/http/errors.hpp"

using braid::http::url;

TEST(Url, SplitsAnAbsoluteUrl) {
  url u("HTTP://User@Example.COM:8080/a/b?x=1#frag");
  EXPECT_EQ(u.scheme(), "http");
  EXPECT_EQ(u.host(), "example.com");
  EXPECT_EQ(u.port(), 8080);
  EXPECT_EQ(u.path(), "/a/b");
  EXPECT_EQ(u.query(), "x=1");
  EXPECT_EQ(u.fragment(), "frag");
  EXPECT_EQ(u.user_info(), "User");
  EXPECT_EQ(u.target(), "/a/b?x=1");
  EXPECT_EQ(u.authority(), "example.com:8080");
}

TEST(Url, DefaultsPortAndPathAndBracketsIpv6) {
  url u("https://[::1]");
  EXPECT_EQ(u.host(), "::1");
  EXPECT_EQ(u.port(), 443);
  EXPECT_EQ(u.path(), "/");
  EXPECT_EQ(u.authority(), "[::1]");
  EXPECT_EQ(u.origin(), "https://[::1]:443");
}

TEST(Url, RejectsWhatIsNotAnHttpUrl) {
  EXPECT_THROW(url("ftp://example.com/"), braid::http::invalid_url_error);
  EXPECT_THROW(url("example.com/path"), braid::http::invalid_url_error);
  EXPECT_THROW(url("http:///path"), braid::http::invalid_url_error);
  EXPECT_THROW(url("http://host:99999/"), braid::http::invalid_url_error);
  EXPECT_THROW(url("http://host/a b"), braid::http::invalid_url_error);
}

TEST(Url, JoinResolvesReferencesAsRfc3986Says) {
  url base("http://a/b/c/d;p?q");
  EXPECT_EQ(base.join("g").str(), "http://a/b/c/g");
  EXPECT_EQ(base.join("./g").str(), "http://a/b/c/g");
  EXPECT_EQ(base.join("/g").str(), "http://a/g");
  EXPECT_EQ(base.join("//g").str(), "http://g/");
  EXPECT_EQ(base.join("?y").str(), "http://a/b/c/d;p?y");
  EXPECT_EQ(base.join("../g").str(), "http://a/b/g");
  EXPECT_EQ(base.join("../../../g").str(), "http://a/g");
  EXPECT_EQ(base.join("https://other:444/x").str(), "https://other:444/x");
  EXPECT_THROW(base.join("ftp://other/x"), braid::http::invalid_url_error);
}

TEST(Url, QueryEncodingRoundTrips) {
  braid::http::query_params p{{"q", "a b&c"}, {"n", "ü"}};
  const auto text = braid::http::encode_query(p);
  EXPECT_EQ(text, "q=a%20b%26c&n=%C3%BC");
  EXPECT_EQ(braid::http::parse_query(text), p);
  EXPECT_EQ(braid::http::parse_query("a+b=1&flag"),
            (braid::http::query_params{{"a b", "1"}, {"flag", ""}}));
  EXPECT_EQ(url("http://h/p?x=1").with_params({{"y", "2"}}).target(), "/p?x=1&y=2");
}
