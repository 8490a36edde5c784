// RestClient::watch (kube-runtime.md §1.1-1.3, §1.6): the query, events decoded as bytes
// arrive in pieces cut anywhere, and how a stream ends.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stop_token>

#include "operator/client/rest_client.h"
#include "tests/unit/rest/scripted_transport.h"

namespace cop::client {
namespace {

using testing::configMaps;
using ::testing::ElementsAre;
using testing::failure;
using testing::header;
using ::testing::IsEmpty;
using testing::ScriptedTransport;
using testing::status;
using testing::streamOf;

std::string event(const std::string& type, const std::string& name, const std::string& rv) {
  return R"({"type":")" + type + R"(","object":{"kind":"ConfigMap","metadata":{"name":")" + name +
         R"(","resourceVersion":")" + rv + R"("},"data":{"k":"é"}}})" + "\n";
}

// Cuts `text` at every position in `cuts` (inside JSON, inside a UTF-8 sequence, ...).
std::vector<std::string> cutAt(const std::string& text, std::vector<std::size_t> cuts) {
  std::vector<std::string> chunks;
  std::size_t from = 0;
  for (std::size_t cut : cuts) {
    chunks.push_back(text.substr(from, cut - from));
    from = cut;
  }
  chunks.push_back(text.substr(from));
  return chunks;
}

class WatchTest : public ::testing::Test {
 protected:
  WatchResult watch(WatchOptions options = {}) {
    RestClient client(transport_, nullptr, options_);
    return client.watch(configMaps(), "default", options, [this](WatchEvent& e) {
      seen_.push_back(e.type == WatchEventType::Error
                          ? "ERROR " + std::to_string(e.status ? e.status->code : 0)
                          : e.resourceVersion());
      return keepGoing_(e);
    });
  }

  ScriptedTransport transport_;
  RestClientOptions options_;
  std::vector<std::string> seen_;
  std::function<bool(const WatchEvent&)> keepGoing_ = [](const WatchEvent&) { return true; };
};

TEST_F(WatchTest, QueryHasWatchBookmarksTimeoutVersionAndSelectors) {
  transport_.push(streamOf({}));
  WatchOptions options;
  options.timeoutSeconds = 300;
  options.resourceVersion = "42";
  options.labelSelector = "app=web";
  options.fieldSelector = "metadata.name=x";
  ASSERT_TRUE(watch(options).has_value());
  ASSERT_EQ(transport_.requests.size(), 1u);
  EXPECT_EQ(transport_.requests[0].method, "GET");
  EXPECT_EQ(transport_.requests[0].pathAndQuery,
            "/api/v1/namespaces/default/configmaps?allowWatchBookmarks=true&"
            "fieldSelector=metadata.name%3Dx&labelSelector=app%3Dweb&resourceVersion=42&"
            "timeoutSeconds=300&watch=1");
  EXPECT_EQ(header(transport_.requests[0], "Accept"), "application/json");
}

TEST_F(WatchTest, WatchListAddsNotOlderThanAndSendInitialEvents) {
  transport_.push(streamOf({}));
  WatchOptions options;
  options.allowWatchBookmarks = false;
  options.sendInitialEvents = true;
  options.metadataOnly = true;
  ASSERT_TRUE(watch(options).has_value());
  EXPECT_EQ(transport_.requests[0].pathAndQuery,
            "/api/v1/namespaces/default/configmaps?resourceVersionMatch=NotOlderThan&"
            "sendInitialEvents=true&watch=1");
  EXPECT_EQ(header(transport_.requests[0], "Accept"),
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
}

TEST_F(WatchTest, EventsSplitAnywhereArriveInOrderAndACleanEndIsClosed) {
  const std::string body = event("ADDED", "a", "1") + event("MODIFIED", "a", "2") +
                           event("DELETED", "a", "3") + event("BOOKMARK", "", "4");
  const std::size_t inUtf8 = body.find("\xC3") + 1;  // between the two bytes of é
  transport_.push(streamOf(cutAt(body, {1, 7, inUtf8, body.size() - 60, body.size() - 1})));
  auto ended = watch();
  ASSERT_TRUE(ended.has_value()) << ended.error().describe();
  EXPECT_EQ(*ended, WatchEnd::Closed);
  EXPECT_THAT(seen_, ElementsAre("1", "2", "3", "4"));
}

TEST_F(WatchTest, EachEventIsDeliveredAsSoonAsItsLineIsComplete) {
  const std::string first = event("ADDED", "a", "1");
  transport_.push(streamOf({first, event("ADDED", "b", "2")}));
  // The first event must be out before the second chunk is fed: stop after it and check.
  keepGoing_ = [](const WatchEvent&) { return false; };
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_THAT(seen_, ElementsAre("1"));
}

TEST_F(WatchTest, AnErrorEventInsideA200StreamGoesToTheHandler) {
  transport_.push(streamOf({R"x({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1",)x"
                            R"x("status":"Failure","message":"too old resource version: 1 (99)",)x"
                            R"x("reason":"Expired","code":410}})x"
                            "\n"}));
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Closed);
  EXPECT_THAT(seen_, ElementsAre("ERROR 410"));
}

TEST_F(WatchTest, EndingInsideAnEventIsBroken) {
  const std::string body = event("ADDED", "a", "1") + event("ADDED", "b", "2");
  transport_.push(streamOf({body.substr(0, body.size() - 10)}));
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Broken);
  EXPECT_THAT(seen_, ElementsAre("1"));
}

TEST_F(WatchTest, AMalformedLineIsBrokenAfterTheEventsBeforeIt) {
  transport_.push(streamOf({event("ADDED", "a", "1") + "{not json}\n" + event("ADDED", "b", "2")}));
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Broken);
  EXPECT_THAT(seen_, ElementsAre("1"));
}

TEST_F(WatchTest, ATransportFailureMidStreamIsBroken) {
  auto step = streamOf({event("ADDED", "a", "1")});
  step.failure = TransportError{TransportFailure::kConnectionLost, "HTTP/2 stream error"};
  transport_.push(step);
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Broken);
  EXPECT_THAT(seen_, ElementsAre("1"));
}

TEST_F(WatchTest, ATransportFailureBeforeAnyByteMeansItDidNotStart) {
  transport_.push(failure(TransportFailure::kConnect, "connection refused"));
  auto ended = watch();
  ASSERT_FALSE(ended.has_value());
  EXPECT_EQ(ended.error().kind, ApiErrorKind::ConnectionRefused);
}

TEST_F(WatchTest, ANon200AnswerIsItsStatusAndIsNotRetried) {
  transport_.push(status(403, "Forbidden", "configmaps is forbidden",
                         {{"warning", R"(299 - "watch warning")"}}));
  std::vector<std::string> warnings;
  options_.warningHandler = [&](std::string_view w) { warnings.emplace_back(w); };
  auto ended = watch();
  ASSERT_FALSE(ended.has_value());
  EXPECT_TRUE(isForbidden(ended.error()));
  EXPECT_EQ(transport_.requests.size(), 1u);
  EXPECT_THAT(warnings, ElementsAre("watch warning"));
  EXPECT_THAT(seen_, IsEmpty());
}

TEST_F(WatchTest, AnInvalidWatchIs422) {
  transport_.push(status(422, "Invalid", "sendInitialEvents is forbidden"));
  auto ended = watch();
  ASSERT_FALSE(ended.has_value());
  EXPECT_TRUE(isInvalid(ended.error()));
}

TEST_F(WatchTest, HandlerReturningFalseStops) {
  transport_.push(
      streamOf({event("ADDED", "a", "1") + event("ADDED", "b", "2"), event("ADDED", "c", "3")}));
  keepGoing_ = [](const WatchEvent& e) { return e.resourceVersion() != "2"; };
  auto ended = watch();
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_THAT(seen_, ElementsAre("1", "2"));
}

TEST_F(WatchTest, AStopRequestEndsAnIdleStream) {
  std::stop_source stop;
  auto step = streamOf({event("ADDED", "a", "1")});
  step.whileIdle = [&] { stop.request_stop(); };
  transport_.push(step);
  WatchOptions options;
  options.stop = stop.get_token();
  auto ended = watch(options);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_THAT(seen_, ElementsAre("1"));
  // The transport must hold the caller's token: only it can end a stream with no bytes.
  EXPECT_TRUE(transport_.requests[0].stop.stop_requested());
}

TEST_F(WatchTest, AStopRequestBetweenChunksStopsBeforeTheNextEvent) {
  std::stop_source stop;
  transport_.push(streamOf({event("ADDED", "a", "1"), event("ADDED", "b", "2")}));
  keepGoing_ = [&](const WatchEvent&) {
    stop.request_stop();
    return true;
  };
  WatchOptions options;
  options.stop = stop.get_token();
  auto ended = watch(options);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_THAT(seen_, ElementsAre("1"));
}

TEST_F(WatchTest, AlreadyStoppedSendsNothing) {
  std::stop_source stop;
  stop.request_stop();
  WatchOptions options;
  options.stop = stop.get_token();
  auto ended = watch(options);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(*ended, WatchEnd::Stopped);
  EXPECT_TRUE(transport_.requests.empty());
}

}  // namespace
}  // namespace cop::client
