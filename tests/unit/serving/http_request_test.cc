#include "operator/serving/http_request.h"

#include <gtest/gtest.h>

namespace cop::serving {
namespace {

TEST(ParseRequestHead, MethodPathAndQuery) {
  auto request = parseRequestHead(
      "GET /healthz/a%20b?verbose&exclude=x&exclude=y+z HTTP/1.1\r\n"
      "Host: localhost:8081\r\nAccept: */*");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->path, "/healthz/a b");
  EXPECT_TRUE(request->hasParam("verbose"));
  EXPECT_FALSE(request->hasParam("verb"));
  EXPECT_EQ(request->params("exclude"), (std::vector<std::string>{"x", "y z"}));
}

TEST(ParseRequestHead, RequestLineShape) {
  EXPECT_EQ(parseRequestHead("GET /a").error().status, 400);
  EXPECT_EQ(parseRequestHead("GET  /a HTTP/1.1").error().status, 400);
  EXPECT_EQ(parseRequestHead("G(T /a HTTP/1.1").error().status, 400);
  EXPECT_EQ(parseRequestHead("GET * HTTP/1.1").error().status, 400);
  EXPECT_EQ(parseRequestHead("GET /a HTTP/2").error().status, 505);
  EXPECT_TRUE(parseRequestHead("GET /a HTTP/1.0"));
}

TEST(ParseRequestHead, HeaderLinesAreChecked) {
  EXPECT_EQ(parseRequestHead("GET /a HTTP/1.1\r\nno colon").error().status, 400);
  EXPECT_EQ(parseRequestHead("GET /a HTTP/1.1\r\nX: a\x01"
                             "b")
                .error()
                .status,
            400);
  EXPECT_TRUE(parseRequestHead("GET /a HTTP/1.1\r\nX: a\tb"));
}

TEST(ParseRequestHead, BadEscapesAre400) {
  EXPECT_EQ(parseRequestHead("GET /a%2 HTTP/1.1").error().status, 400);
  EXPECT_EQ(parseRequestHead("GET /a?x=%zz HTTP/1.1").error().status, 400);
}

TEST(PercentDecode, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(*percentDecode("a+b%41", true), "a bA");
  EXPECT_EQ(*percentDecode("a+b%41", false), "a+bA");
  EXPECT_FALSE(percentDecode("%", false));
  EXPECT_FALSE(percentDecode("%4", false));
}

}  // namespace
}  // namespace cop::serving
