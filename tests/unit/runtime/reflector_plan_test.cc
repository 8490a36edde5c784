#include "operator/client/reflector_plan.h"

#include <gtest/gtest.h>

#include "operator/client/watch_decoder.h"

namespace cop::client {
namespace {

using Verb = ReflectorRequest::Verb;
using std::chrono::seconds;

const SteadyTime kT0{};

WatchEvent event(const std::string& line) {
  auto parsed = parseWatchEvent(line);
  EXPECT_TRUE(parsed);
  return std::move(parsed).value();
}

WatchEvent added(const std::string& rv) {
  return event(R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":")" + rv +
               R"("}}})");
}
WatchEvent modified(const std::string& rv) {
  return event(R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":")" + rv +
               R"("}}})");
}
WatchEvent bookmark(const std::string& rv, bool initialEnd = false) {
  return event(R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":")" + rv + "\"" +
               (initialEnd ? R"(,"annotations":{"k8s.io/initial-events-end":"true"})" : "") +
               "}}}");
}
WatchEvent errorEvent(int code, const std::string& reason) {
  return event(R"({"type":"ERROR","object":{"kind":"Status","reason":")" + reason + R"(","code":)" +
               std::to_string(code) + "}}");
}
ApiStatus status(int code, std::string reason = {}) {
  ApiStatus s;
  s.code = code;
  s.reason = std::move(reason);
  return s;
}

// A plan that listed at RV 100 and has a watch open since kT0.
ReflectorPlan watching() {
  ReflectorPlan plan;
  (void)plan.start();
  (void)plan.onListed("100");
  plan.onWatchStarted(kT0);
  return plan;
}

TEST(ReflectorPlanTest, ListsConsistentlyThenWatchesFromTheListRv) {
  ReflectorPlan plan;
  const ReflectorRequest first = plan.start();
  EXPECT_EQ(first.verb, Verb::List);
  EXPECT_EQ(first.resourceVersion, "");  // consistent, not "0" (§1.7 ours)
  EXPECT_EQ(first.limit, kListPageSize);
  EXPECT_FALSE(plan.hasSynced());
  const ReflectorRequest watch = plan.onListed("100");
  EXPECT_TRUE(plan.hasSynced());
  EXPECT_EQ(watch.verb, Verb::Watch);
  EXPECT_EQ(watch.resourceVersion, "100");
  EXPECT_TRUE(watch.allowWatchBookmarks);
  EXPECT_FALSE(watch.sendInitialEvents);
  EXPECT_EQ(watch.delay, Millis(0));
}

// §10.3: a server-closed watch resumes from the last event or bookmark RV, with no LIST.
TEST(ReflectorPlanTest, ResumesFromLastEventOrBookmarkAfterStreamEnd) {
  ReflectorPlan plan = watching();
  EXPECT_TRUE(plan.onEvent(modified("101"), kT0, 0).deliver);
  EXPECT_EQ(plan.lastResourceVersion(), "101");
  const EventOutcome mark = plan.onEvent(bookmark("150"), kT0, 0);
  EXPECT_FALSE(mark.deliver);  // a bookmark updates the RV without an event
  EXPECT_FALSE(mark.next);
  EXPECT_EQ(plan.lastResourceVersion(), "150");
  const ReflectorRequest next = plan.onStreamEnded(kT0 + seconds(300), 0);
  EXPECT_EQ(next.verb, Verb::Watch);
  EXPECT_EQ(next.resourceVersion, "150");
  EXPECT_EQ(next.delay, Millis(0));
}

// §10.4 / §1.5: ERROR 410 in the stream -> relist at the last RV after a back-off; if that
// LIST is Expired too -> at once with RV="".
TEST(ReflectorPlanTest, Expired410RelistsAtLastRvThenConsistently) {
  ReflectorPlan plan = watching();
  (void)plan.onEvent(modified("120"), kT0, 0);
  const EventOutcome gone = plan.onEvent(errorEvent(410, "Expired"), kT0, 0);
  EXPECT_FALSE(gone.deliver);
  ASSERT_TRUE(gone.next);
  EXPECT_EQ(gone.next->verb, Verb::List);
  EXPECT_EQ(gone.next->resourceVersion, "120");
  EXPECT_EQ(gone.next->limit, 0);  // unpaginated, so the watch cache serves it
  EXPECT_EQ(gone.next->delay, Millis(800));
  const ReflectorRequest retry = plan.onListFailed(status(410, "Expired"), kT0, 0);
  EXPECT_EQ(retry.verb, Verb::List);
  EXPECT_EQ(retry.resourceVersion, "");
  EXPECT_EQ(retry.limit, kListPageSize);
  EXPECT_EQ(retry.delay, Millis(0));
  const ReflectorRequest watch = plan.onListed("500");
  EXPECT_EQ(watch.resourceVersion, "500");
}

TEST(ReflectorPlanTest, OldGoneReasonAndTooLargeRelistToo) {
  ReflectorPlan plan = watching();
  EventOutcome gone = plan.onEvent(errorEvent(410, "Gone"), kT0, 0);
  ASSERT_TRUE(gone.next);
  EXPECT_EQ(gone.next->verb, Verb::List);
  ApiStatus tooLarge = status(504, "Timeout");
  tooLarge.resourceVersionTooLargeCause = true;
  const ReflectorRequest retry = plan.onListFailed(tooLarge, kT0, 0);
  EXPECT_EQ(retry.resourceVersion, "");
  EXPECT_EQ(retry.delay, Millis(0));
  // A second failure of the consistent LIST backs off instead of spinning.
  EXPECT_GT(plan.onListFailed(tooLarge, kT0, 0).delay, Millis(0));
}

// §10.5: apiserver restart: connection refused / 429 -> back off and rewatch, no relist.
TEST(ReflectorPlanTest, RefusedOrThrottledWatchBacksOffWithoutRelist) {
  ReflectorPlan plan = watching();
  (void)plan.onEvent(modified("130"), kT0, 0);
  ReflectorRequest next =
      plan.onWatchFailed(WatchFailure{WatchFailure::Kind::ConnectionRefused, {}}, kT0, 0);
  EXPECT_EQ(next.verb, Verb::Watch);
  EXPECT_EQ(next.resourceVersion, "130");
  EXPECT_EQ(next.delay, Millis(800));
  next = plan.onWatchFailed(WatchFailure{WatchFailure::Kind::Response, status(429)}, kT0, 0);
  EXPECT_EQ(next.verb, Verb::Watch);
  EXPECT_EQ(next.delay, Millis(1600));
  plan.onWatchStarted(kT0);
  const EventOutcome throttled = plan.onEvent(errorEvent(429, "TooManyRequests"), kT0, 0);
  ASSERT_TRUE(throttled.next);
  EXPECT_EQ(throttled.next->verb, Verb::Watch);
  EXPECT_EQ(throttled.next->resourceVersion, "130");
  EXPECT_EQ(throttled.next->delay, Millis(3200));
}

TEST(ReflectorPlanTest, OtherFailuresRelistAfterBackoff) {
  ReflectorPlan plan = watching();
  ReflectorRequest next =
      plan.onWatchFailed(WatchFailure{WatchFailure::Kind::Response, status(403)}, kT0, 0);
  EXPECT_EQ(next.verb, Verb::List);
  EXPECT_EQ(next.delay, Millis(800));
  plan.onWatchStarted(kT0);
  const EventOutcome internal = plan.onEvent(errorEvent(500, "InternalError"), kT0, 0);
  ASSERT_TRUE(internal.next);
  EXPECT_EQ(internal.next->verb, Verb::List);
  EXPECT_EQ(internal.next->delay, Millis(1600));
  EXPECT_EQ(plan.onStreamBroken(kT0, 0).verb, Verb::List);  // decode error: relist
}

TEST(ReflectorPlanTest, VeryShortEmptyWatchRelists) {
  ReflectorPlan plan = watching();
  const ReflectorRequest next = plan.onStreamEnded(kT0 + Millis(500), 0);
  EXPECT_EQ(next.verb, Verb::List);
  EXPECT_EQ(next.delay, Millis(800));
  ReflectorPlan longer = watching();
  EXPECT_EQ(longer.onStreamEnded(kT0 + seconds(2), 0).verb, Verb::Watch);
}

// §1.6 / §10.7: watch-list ends its initial ADDEDs at the annotated bookmark and continues.
TEST(ReflectorPlanTest, WatchListSyncsAtInitialEventsEndBookmark) {
  ReflectorPlan plan(ReflectorMode::WatchList);
  const ReflectorRequest first = plan.start();
  EXPECT_EQ(first.verb, Verb::Watch);
  EXPECT_TRUE(first.sendInitialEvents);
  EXPECT_TRUE(first.allowWatchBookmarks);  // without it no end bookmark comes
  EXPECT_EQ(first.resourceVersion, "");
  plan.onWatchStarted(kT0);
  EXPECT_TRUE(plan.onEvent(added("90"), kT0, 0).deliver);
  EXPECT_TRUE(plan.onEvent(added("70"), kT0, 0).deliver);
  EXPECT_EQ(plan.lastResourceVersion(), "");  // initial ADDEDs are not in RV order
  EXPECT_FALSE(plan.hasSynced());
  EXPECT_FALSE(plan.onEvent(bookmark("95"), kT0, 0).initialEventsEnded);
  const EventOutcome end = plan.onEvent(bookmark("100", true), kT0, 0);
  EXPECT_TRUE(end.initialEventsEnded);
  EXPECT_FALSE(end.deliver);
  EXPECT_FALSE(end.next);
  EXPECT_TRUE(plan.hasSynced());
  EXPECT_EQ(plan.lastResourceVersion(), "100");
  (void)plan.onEvent(added("101"), kT0, 0);  // after the end: ordered, recorded
  EXPECT_EQ(plan.lastResourceVersion(), "101");
  const ReflectorRequest resume = plan.onStreamEnded(kT0 + seconds(300), 0);
  EXPECT_EQ(resume.verb, Verb::Watch);
  EXPECT_EQ(resume.resourceVersion, "101");
  EXPECT_FALSE(resume.sendInitialEvents);
}

TEST(ReflectorPlanTest, WatchListFallsBackToListOn422OrError) {
  ReflectorPlan rejected(ReflectorMode::WatchList);
  (void)rejected.start();
  const ReflectorRequest list =
      rejected.onWatchFailed(WatchFailure{WatchFailure::Kind::Response, status(422)}, kT0, 0);
  EXPECT_EQ(list.verb, Verb::List);
  EXPECT_EQ(list.resourceVersion, "");
  EXPECT_EQ(rejected.mode(), ReflectorMode::ListThenWatch);

  ReflectorPlan oldEtcd(ReflectorMode::WatchList);
  (void)oldEtcd.start();
  oldEtcd.onWatchStarted(kT0);
  const EventOutcome error = oldEtcd.onEvent(errorEvent(500, "InternalError"), kT0, 0);
  ASSERT_TRUE(error.next);
  EXPECT_EQ(error.next->verb, Verb::List);
  EXPECT_EQ(oldEtcd.mode(), ReflectorMode::ListThenWatch);
  EXPECT_EQ(oldEtcd.onListed("10").verb, Verb::Watch);
}

TEST(ReflectorPlanTest, WatchListInterruptedBeforeTheEndStartsOver) {
  ReflectorPlan plan(ReflectorMode::WatchList);
  (void)plan.start();
  plan.onWatchStarted(kT0);
  (void)plan.onEvent(added("90"), kT0, 0);
  const ReflectorRequest again = plan.onStreamEnded(kT0 + seconds(5), 0);
  EXPECT_EQ(again.verb, Verb::Watch);
  EXPECT_TRUE(again.sendInitialEvents);
  EXPECT_EQ(again.resourceVersion, "");
}

TEST(ReflectorPlanTest, WatchTimeoutIsBetween5And10Minutes) {
  EXPECT_EQ(watchTimeoutSeconds(0.0), 300);
  EXPECT_EQ(watchTimeoutSeconds(0.5), 450);
  EXPECT_EQ(watchTimeoutSeconds(0.99999), 599);
  EXPECT_EQ(watchTimeoutSeconds(1.0), 599);
}

}  // namespace
}  // namespace cop::client
