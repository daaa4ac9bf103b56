// cookie_jar: Set-Cookie parsing and matching (RFC 6265), no network.
#include "braid/http/cookie_jar.hpp"

#include <gtest/gtest.h>

#include "braid/http/url.hpp"

namespace braid::http {
namespace {

TEST(CookieJar, HostOnlyAndDomainCookies) {
  cookie_jar jar;
  const url from("http://www.example.com/a/b");
  jar.update("host=1", from);
  jar.update("dom=2; Domain=.example.com", from);
  jar.update("other=3; Domain=evil.org", from);  // not a domain of the host: ignored
  EXPECT_EQ(jar.size(), 2u);
  EXPECT_EQ(jar.header_for(url("http://www.example.com/a/x")), "host=1; dom=2");
  EXPECT_EQ(jar.header_for(url("http://api.example.com/a/")), "dom=2");
  EXPECT_EQ(jar.header_for(url("http://example.org/")), "");
}

TEST(CookieJar, PathsSecureAndOrder) {
  cookie_jar jar;
  const url from("https://example.com/");
  jar.update("a=1; Path=/", from);
  jar.update("b=2; Path=/docs", from);
  jar.update("s=3; Secure", from);
  EXPECT_EQ(jar.header_for(url("https://example.com/docs/x")), "b=2; a=1; s=3");
  EXPECT_EQ(jar.header_for(url("http://example.com/docsx")), "a=1");
  // The default path is the directory of the request's path.
  jar.update("d=4", url("http://example.com/dir/page"));
  EXPECT_EQ(jar.header_for(url("http://example.com/dir/other")), "d=4; a=1");
  EXPECT_EQ(jar.header_for(url("http://example.com/")), "a=1");
}

TEST(CookieJar, ExpiryMaxAgeAndDeletion) {
  cookie_jar jar;
  const url from("http://example.com/");
  jar.update("old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT", from);
  EXPECT_EQ(jar.size(), 0u);
  jar.update("keep=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT", from);
  jar.update("age=1; Max-Age=3600; Expires=Wed, 21 Oct 2015 07:28:00 GMT", from);
  EXPECT_EQ(jar.header_for(from), "keep=1; age=1");
  jar.update("keep=x; Max-Age=0", from);  // deletes
  EXPECT_EQ(jar.header_for(from), "age=1");
  jar.update("age=2", from);  // replaces
  EXPECT_EQ(jar.header_for(from), "age=2");
}

TEST(CookieJar, IpHostsNeedUnsafeAndDummyStoresNothing) {
  cookie_jar safe;
  safe.update("a=1", url("http://127.0.0.1:8080/"));
  EXPECT_EQ(safe.size(), 0u);
  cookie_jar unsafe(true);
  unsafe.update("a=1", url("http://127.0.0.1:8080/"));
  EXPECT_EQ(unsafe.header_for(url("http://127.0.0.1:9090/x")), "a=1");
  cookie_jar dummy = cookie_jar::dummy();
  dummy.update("a=1", url("http://example.com/"));
  EXPECT_EQ(dummy.size(), 0u);
  EXPECT_TRUE(dummy.is_dummy());
}

TEST(CookieJar, MalformedValuesAreIgnored) {
  cookie_jar jar;
  const url from("http://example.com/");
  jar.update("", from);
  jar.update("novalue", from);
  jar.update("=x", from);
  jar.update("a=1; Max-Age=abc; Expires=garbage; Path=relative", from);
  EXPECT_EQ(jar.header_for(from), "a=1");
}

}  // namespace
}  // namespace braid::http
