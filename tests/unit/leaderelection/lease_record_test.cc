// The record <-> Lease mapping and metav1.MicroTime (kube-runtime.md §5): written with exactly
// six fractional digits in UTC, read tolerantly; a record that cannot mean one is an error.

#include "operator/leaderelection/lease_record.h"

#include <gtest/gtest.h>

namespace cop::leaderelection {
namespace {

using std::chrono::microseconds;
using std::chrono::sys_days;

MicroTime at(int y, unsigned mo, unsigned d, int h, int mi, int s, long long us) {
  return MicroTime{sys_days{std::chrono::year{y} / mo / d} + std::chrono::hours(h) +
                   std::chrono::minutes(mi) + std::chrono::seconds(s) + microseconds(us)};
}

TEST(MicroTime, IsWrittenWithSixFractionalDigitsInUtc) {
  EXPECT_EQ(formatMicroTime(at(2024, 5, 1, 10, 0, 0, 0)), "2024-05-01T10:00:00.000000Z");
  EXPECT_EQ(formatMicroTime(at(2024, 12, 31, 23, 59, 59, 123456)), "2024-12-31T23:59:59.123456Z");
  EXPECT_EQ(formatMicroTime(at(1970, 1, 1, 0, 0, 0, 7)), "1970-01-01T00:00:00.000007Z");
}

TEST(MicroTime, RoundTripsEveryMicrosecond) {
  for (const MicroTime time : {at(2024, 2, 29, 1, 2, 3, 999999), at(1999, 12, 31, 23, 59, 59, 1),
                               at(2038, 1, 19, 3, 14, 8, 500000), at(1, 1, 1, 0, 0, 0, 0)}) {
    const auto parsed = parseMicroTime(formatMicroTime(time));
    ASSERT_TRUE(parsed.has_value()) << formatMicroTime(time);
    EXPECT_EQ(*parsed, time);
  }
}

TEST(MicroTime, ReadsWhatServersAndOtherClientsWrite) {
  const MicroTime base = at(2024, 5, 1, 10, 0, 0, 0);
  EXPECT_EQ(parseMicroTime("2024-05-01T10:00:00Z"), base);  // metav1.Time, seconds only
  EXPECT_EQ(parseMicroTime("2024-05-01T10:00:00.5Z"), base + microseconds(500000));
  EXPECT_EQ(parseMicroTime("2024-05-01T10:00:00.123456789Z"), base + microseconds(123456));
  EXPECT_EQ(parseMicroTime("2024-05-01T12:00:00.000000+02:00"), base);
  EXPECT_EQ(parseMicroTime("2024-05-01T09:30:00-00:30"), base);
  EXPECT_EQ(parseMicroTime("2024-05-01t10:00:00z"), base);
}

TEST(MicroTime, RejectsWhatIsNotRfc3339) {
  for (const char* text :
       {"", "2024-05-01", "2024-05-01 10:00:00Z", "2024-13-01T10:00:00Z", "2024-02-30T10:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T10:60:00Z", "2024-05-01T10:00:60Z",
        "2024-05-01T10:00:00", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00.1234567890Z",
        "2024-05-01T10:00:00Zjunk", "2024-05-01T10:00:00+0200", "24-05-01T10:00:00Z"}) {
    EXPECT_FALSE(parseMicroTime(text).has_value()) << text;
  }
}

TEST(LeaseRecord, ReadsEveryFieldOfTheSpec) {
  const auto lease = nlohmann::json::parse(R"({
    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
    "metadata": {"name": "l", "namespace": "ns", "resourceVersion": "7"},
    "spec": {"holderIdentity": "a_1", "leaseDurationSeconds": 15,
             "acquireTime": "2024-05-01T10:00:00.000000Z",
             "renewTime": "2024-05-01T10:00:02.250000Z", "leaseTransitions": 3}})");
  const auto record = recordFromLease(lease);
  ASSERT_TRUE(record.has_value()) << record.error();
  EXPECT_EQ(record->holderIdentity, "a_1");
  EXPECT_EQ(record->leaseDurationSeconds, 15);
  EXPECT_EQ(record->acquireTime, at(2024, 5, 1, 10, 0, 0, 0));
  EXPECT_EQ(record->renewTime, at(2024, 5, 1, 10, 0, 2, 250000));
  EXPECT_EQ(record->leaseTransitions, 3);
}

TEST(LeaseRecord, AbsentAndNullFieldsAreEmpty) {
  for (const char* text : {R"({"metadata": {}})", R"({"spec": null})", R"({"spec": {}})",
                           R"({"spec": {"holderIdentity": null, "acquireTime": null,
                                        "leaseDurationSeconds": null}})"}) {
    const auto record = recordFromLease(nlohmann::json::parse(text));
    ASSERT_TRUE(record.has_value()) << text;
    EXPECT_EQ(*record, LeaderElectionRecord{}) << text;
  }
}

TEST(LeaseRecord, WhatCannotBeARecordIsAnError) {
  for (const char* text :
       {R"([])", R"({"spec": []})", R"({"spec": {"holderIdentity": 5}})",
        R"({"spec": {"leaseDurationSeconds": "15"}})", R"({"spec": {"leaseDurationSeconds": 1.5}})",
        R"({"spec": {"leaseTransitions": 99999999999}})", R"({"spec": {"renewTime": "yesterday"}})",
        R"({"spec": {"acquireTime": 0}})"}) {
    EXPECT_FALSE(recordFromLease(nlohmann::json::parse(text)).has_value()) << text;
  }
}

TEST(LeaseRecord, WritingKeepsMetadataAndUnknownSpecFields) {
  auto lease = nlohmann::json::parse(R"({
    "metadata": {"name": "l", "resourceVersion": "7", "labels": {"a": "b"}},
    "spec": {"holderIdentity": "old", "strategy": "OldestEmulationVersion",
             "acquireTime": "2024-05-01T10:00:00.000000Z"}})");
  const LeaderElectionRecord record{.holderIdentity = "",
                                    .leaseDurationSeconds = 1,
                                    .acquireTime = std::nullopt,
                                    .renewTime = at(2024, 5, 1, 10, 0, 5, 0),
                                    .leaseTransitions = 4};
  writeRecordToLease(record, lease);
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "7");
  EXPECT_EQ(lease["metadata"]["labels"]["a"], "b");
  EXPECT_EQ(lease["spec"]["strategy"], "OldestEmulationVersion");
  EXPECT_EQ(lease["spec"]["holderIdentity"], "");  // sent, as client-go does
  EXPECT_FALSE(lease["spec"].contains("acquireTime"));
  EXPECT_EQ(lease["spec"]["renewTime"], "2024-05-01T10:00:05.000000Z");
  const auto back = recordFromLease(lease);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, record);
}

TEST(LeaseRecord, NewLeaseIsACompleteObject) {
  const LeaderElectionRecord record{.holderIdentity = "me",
                                    .leaseDurationSeconds = 15,
                                    .acquireTime = at(2024, 5, 1, 10, 0, 0, 0),
                                    .renewTime = at(2024, 5, 1, 10, 0, 0, 0),
                                    .leaseTransitions = 0};
  const auto lease = newLease("ns", "l", record);
  EXPECT_EQ(lease["apiVersion"], "coordination.k8s.io/v1");
  EXPECT_EQ(lease["kind"], "Lease");
  EXPECT_EQ(lease["metadata"]["name"], "l");
  EXPECT_EQ(lease["metadata"]["namespace"], "ns");
  EXPECT_EQ(lease["spec"]["leaseTransitions"], 0);
  EXPECT_EQ(*recordFromLease(lease), record);
}

}  // namespace
}  // namespace cop::leaderelection
