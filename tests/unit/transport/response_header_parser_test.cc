#include "operator/client/response_header_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cop::client {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

HttpHeaderList parse(std::initializer_list<std::string_view> lines) {
  HttpHeaderList headers;
  for (std::string_view line : lines) {
    addResponseHeaderLine(line, headers);
  }
  return headers;
}

TEST(ResponseHeaderParser, KeepsRepeatedNamesInOrderWithLowerCaseNames) {
  // kube-runtime.md §4.2: several Warning headers, each must reach the caller.
  const HttpHeaderList headers =
      parse({"HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n",
             "Warning: 299 - \"first\"\r\n", "WARNING: 299 - \"second\"\r\n", "\r\n"});
  EXPECT_THAT(headers,
              ElementsAre(Pair("content-type", "application/json"),
                          Pair("warning", "299 - \"first\""), Pair("warning", "299 - \"second\"")));
}

TEST(ResponseHeaderParser, ANewStatusLineDropsTheInterimResponsesHeaders) {
  const HttpHeaderList headers = parse({"HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n",
                                        "HTTP/1.1 201 Created\r\n", "Location: /x\r\n", "\r\n"});
  EXPECT_THAT(headers, ElementsAre(Pair("location", "/x")));
}

TEST(ResponseHeaderParser, Http2StatusLineAndTrimming) {
  const HttpHeaderList headers = parse({"HTTP/2 404 \r\n", "audit-id:   abc  \r\n"});
  EXPECT_THAT(headers, ElementsAre(Pair("audit-id", "abc")));
}

TEST(ResponseHeaderParser, FoldedLineContinuesThePreviousValue) {
  const HttpHeaderList headers = parse({"HTTP/1.1 200 OK\r\n", "X-Long: one\r\n", "\t two\r\n"});
  EXPECT_THAT(headers, ElementsAre(Pair("x-long", "one two")));
}

TEST(ResponseHeaderParser, IgnoresBlankAndNamelessLines) {
  EXPECT_THAT(parse({"\r\n", ": nameless\r\n", "garbage\r\n", " folded-without-header\r\n"}),
              IsEmpty());
}

}  // namespace
}  // namespace cop::client
