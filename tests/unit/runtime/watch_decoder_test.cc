#include "operator/client/watch_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cop::client {
namespace {

// A recorded stream (kube-runtime.md §1.2/§1.3): events of every type, a "\r\n" line end, a
// blank line, a '\n' inside a JSON string (escaped, as JSON requires) and non-ASCII text.
const std::string kStream =
    R"({"type":"ADDED","object":{"kind":"ConfigMap","metadata":{"name":"a",)"
    R"("namespace":"ns","resourceVersion":"10"},"data":{"k":"line1\nline2"}}})"
    "\n"
    R"({"type":"MODIFIED","object":{"kind":"ConfigMap","metadata":{"name":"a",)"
    R"("namespace":"ns","resourceVersion":"11"},"data":{"k":"h\u00e9 – ✓"}}})"
    "\r\n"
    "\n"
    R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{)"
    R"("resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}})"
    "\n"
    R"({"type":"DELETED","object":{"kind":"ConfigMap","metadata":{"name":"a",)"
    R"("namespace":"ns","resourceVersion":"13"}}})"
    "\n"
    R"({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},)"
    R"json("status":"Failure","message":"too old resource version: 5 (1042)",)json"
    R"("reason":"Expired","code":410}})"
    "\n";

std::vector<std::string> describe(const std::vector<WatchEvent>& events) {
  std::vector<std::string> out;
  for (const WatchEvent& event : events) {
    out.push_back(std::to_string(static_cast<int>(event.type)) + " " + event.object.dump());
  }
  return out;
}

std::vector<WatchEvent> decodeInChunks(const std::string& stream, std::vector<std::size_t> cuts) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  std::size_t from = 0;
  cuts.push_back(stream.size());
  for (std::size_t cut : cuts) {
    EXPECT_TRUE(decoder.feed(std::string_view(stream).substr(from, cut - from), events));
    from = cut;
  }
  EXPECT_TRUE(decoder.finish());
  return events;
}

TEST(WatchDecoderTest, DecodesEveryEventType) {
  const std::vector<WatchEvent> events = decodeInChunks(kStream, {});
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].type, WatchEventType::Added);
  EXPECT_EQ(events[0].object["data"]["k"], "line1\nline2");
  EXPECT_EQ(events[1].type, WatchEventType::Modified);
  EXPECT_EQ(events[1].resourceVersion(), "11");
  EXPECT_EQ(events[2].type, WatchEventType::Bookmark);
  EXPECT_TRUE(events[2].isInitialEventsEnd());
  EXPECT_FALSE(events[0].isInitialEventsEnd());
  EXPECT_EQ(events[3].type, WatchEventType::Deleted);
  EXPECT_EQ(events[3].resourceVersion(), "13");  // the final state of the deleted object
  EXPECT_EQ(events[4].type, WatchEventType::Error);
}

// §10.2: the same stream split at every byte position, byte by byte and in 64 KiB blocks gives
// the same events.
TEST(WatchDecoderTest, SameEventsWhereverTheStreamIsSplit) {
  const std::vector<std::string> whole = describe(decodeInChunks(kStream, {}));
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    EXPECT_EQ(describe(decodeInChunks(kStream, {cut})), whole) << "split at " << cut;
  }
  for (std::size_t first = 0; first <= kStream.size(); first += 7) {
    for (std::size_t second = first; second <= kStream.size(); second += 13) {
      EXPECT_EQ(describe(decodeInChunks(kStream, {first, second})), whole);
    }
  }
  std::vector<std::size_t> everyByte;
  for (std::size_t i = 1; i < kStream.size(); ++i) {
    everyByte.push_back(i);
  }
  EXPECT_EQ(describe(decodeInChunks(kStream, everyByte)), whole);

  std::string big;
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    const std::string line = R"({"type":"ADDED","object":{"metadata":{"name":"cm)" +
                             std::to_string(i) + R"("},"data":{"v":")" + std::string(1000, 'x') +
                             R"("}}})";
    big += line + "\n";
  }
  std::vector<std::size_t> blocks;
  for (std::size_t at = 65536; at < big.size(); at += 65536) {
    blocks.push_back(at);
  }
  const std::vector<WatchEvent> events = decodeInChunks(big, blocks);
  ASSERT_EQ(events.size(), 200u);
  EXPECT_EQ(describe(events), describe(decodeInChunks(big, {})));
}

TEST(WatchDecoderTest, KeepsOnlyTheUnfinishedTail) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  const std::size_t firstLine = kStream.find('\n') + 1;
  ASSERT_TRUE(decoder.feed(std::string_view(kStream).substr(0, firstLine + 5), events));
  EXPECT_EQ(events.size(), 1u);  // delivered as soon as its '\n' arrives
  EXPECT_EQ(decoder.pendingBytes(), 5u);
}

TEST(WatchDecoderTest, RefusesAnOversizedEvent) {
  const std::string event = R"({"type":"ADDED","object":{"metadata":{"name":"a"}}})";
  WatchDecoder exact(event.size());
  std::vector<WatchEvent> events;
  EXPECT_TRUE(exact.feed(event + "\n", events));
  EXPECT_EQ(events.size(), 1u);

  WatchDecoder small(event.size() - 1);
  // Refused while still arriving, before the newline: memory stays bounded.
  auto result = small.feed(event, events);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, WatchStreamError::Kind::TooLarge);
  EXPECT_NE(result.error().message.find(std::to_string(event.size() - 1)), std::string::npos);
  EXPECT_EQ(small.pendingBytes(), 0u);
  // and the decoder stays failed
  EXPECT_FALSE(small.feed("\n", events));
  EXPECT_EQ(events.size(), 1u);

  WatchDecoder split(10);
  EXPECT_TRUE(split.feed("{\"type\":", events));
  EXPECT_FALSE(split.feed("\"ADDED\"", events));
}

TEST(WatchDecoderTest, MalformedEventsAreErrorsThatQuoteNothing) {
  const char* bad[] = {
      "{\"type\":\"ADDED\",\"object\":{\"data\":{\"password\":\"hunter2\"}\n",  // not JSON
      "[1,2]\n",
      "{\"object\":{}}\n",
      "{\"type\":\"ADDED\"}\n",
      "{\"type\":\"CHANGED\",\"object\":{}}\n",
  };
  for (const char* line : bad) {
    WatchDecoder decoder;
    std::vector<WatchEvent> events;
    auto result = decoder.feed(line, events);
    ASSERT_FALSE(result) << line;
    EXPECT_EQ(result.error().kind, WatchStreamError::Kind::Malformed);
    EXPECT_EQ(result.error().message.find("hunter2"), std::string::npos);
    EXPECT_TRUE(events.empty());
  }
}

TEST(WatchDecoderTest, TailAtEndOfStreamIsTruncation) {
  WatchDecoder decoder;
  std::vector<WatchEvent> events;
  ASSERT_TRUE(decoder.feed("{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":", events));
  auto result = decoder.finish();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, WatchStreamError::Kind::Truncated);

  WatchDecoder blankTail;
  ASSERT_TRUE(blankTail.feed("{\"type\":\"ADDED\",\"object\":{}}\r\n\r", events));
  EXPECT_TRUE(blankTail.finish());
}

TEST(WatchDecoderTest, ErrorEventCarriesItsStatus) {
  std::vector<WatchEvent> events;
  WatchDecoder decoder;
  ASSERT_TRUE(decoder.feed(kStream, events));
  const WatchEvent& error = events.back();
  ASSERT_TRUE(error.status.has_value());
  EXPECT_EQ(error.status->code, 410);
  EXPECT_EQ(error.status->reason, "Expired");
  EXPECT_TRUE(error.status->isExpired());
  EXPECT_FALSE(error.status->isResourceVersionTooLarge());

  // Servers <= 1.17 say "Gone": the code decides (§1.3).
  auto gone =
      parseWatchEvent(R"({"type":"ERROR","object":{"kind":"Status","reason":"Gone","code":410}})");
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->status->isExpired());

  // An ERROR without a code is an internal error.
  auto bare = parseWatchEvent(R"({"type":"ERROR","object":{"message":"boom"}})");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status->code, 500);
  EXPECT_FALSE(bare->status->isExpired());
}

TEST(WatchDecoderTest, RecognisesTooLargeResourceVersion) {
  auto byCause = parseApiStatus(nlohmann::json::parse(
      R"({"code":504,"reason":"Timeout","details":{"causes":[{"reason":"ResourceVersionTooLarge"}],"retryAfterSeconds":1}})"));
  EXPECT_TRUE(byCause.isResourceVersionTooLarge());
  EXPECT_EQ(byCause.retryAfterSeconds, 1);
  auto byMessage = parseApiStatus(nlohmann::json::parse(
      R"({"code":504,"message":"Too large resource version: 20, current: 10"})"));
  EXPECT_TRUE(byMessage.isResourceVersionTooLarge());
  auto plainTimeout = parseApiStatus(nlohmann::json::parse(R"({"code":504,"message":"x"})"));
  EXPECT_FALSE(plainTimeout.isResourceVersionTooLarge());
}

TEST(WatchDecoderTest, OnlyAnnotatedBookmarkEndsInitialEvents) {
  auto plain =
      parseWatchEvent(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}})");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->isInitialEventsEnd());
  EXPECT_EQ(plain->resourceVersion(), "7");
  auto falseValue = parseWatchEvent(
      R"({"type":"BOOKMARK","object":{"metadata":{"annotations":{"k8s.io/initial-events-end":"false"}}}})");
  ASSERT_TRUE(falseValue);
  EXPECT_FALSE(falseValue->isInitialEventsEnd());
  auto added = parseWatchEvent(
      R"({"type":"ADDED","object":{"metadata":{"annotations":{"k8s.io/initial-events-end":"true"}}}})");
  ASSERT_TRUE(added);
  EXPECT_FALSE(added->isInitialEventsEnd());
}

}  // namespace
}  // namespace cop::client
