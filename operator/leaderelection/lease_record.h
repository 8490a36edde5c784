#pragma once

// The leader election record and its home, a coordination.k8s.io/v1 Lease (kube-runtime.md §5;
// client-go tools/leaderelection/resourcelock/interface.go LeaderElectionRecord and
// leaselock.go LeaseSpecToLeaderElectionRecord / LeaderElectionRecordToLeaseSpec).
//
// Record times are metav1.MicroTime: RFC 3339 with exactly six fractional digits in UTC
// ("2024-05-01T10:00:00.123456Z") when written. When read, anything RFC 3339 is accepted (no
// or up to nine fractional digits, `Z` or a numeric offset, `t`/`z` in lower case), because
// the elector only watches record times for change and never compares them with its own clock.
// What cannot mean a record (a spec that is not an object, a holder that is not a string) is
// an error: read as "no holder", it would let a candidate take a lease that is held.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace cop::leaderelection {

using MicroTime = std::chrono::sys_time<std::chrono::microseconds>;

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (metav1 RFC3339Micro, always UTC). Years outside 0000-9999 are
// clamped to that range (RFC 3339 has four-digit years only).
std::string formatMicroTime(MicroTime time);
// RFC 3339 date-time; nullopt when it is not one. Digits beyond microseconds are truncated.
std::optional<MicroTime> parseMicroTime(std::string_view text);

struct LeaderElectionRecord {
  std::string holderIdentity;  // "" = nobody (released)
  int leaseDurationSeconds = 0;
  std::optional<MicroTime> acquireTime;
  std::optional<MicroTime> renewTime;
  int leaseTransitions = 0;

  bool operator==(const LeaderElectionRecord&) const = default;
};

// The record in a Lease object's spec. Absent or null fields read as empty/zero, as client-go's
// pointer fields do.
Expected<LeaderElectionRecord, std::string> recordFromLease(const nlohmann::json& lease);

// Writes the record into `lease`'s spec, leaving every other field (metadata with its
// resourceVersion, strategy, preferredHolder) as it is. An unset time is removed.
void writeRecordToLease(const LeaderElectionRecord& record, nlohmann::json& lease);

// A new Lease object holding `record`, for a create.
nlohmann::json newLease(const std::string& nameSpace, const std::string& name,
                        const LeaderElectionRecord& record);

}  // namespace cop::leaderelection
