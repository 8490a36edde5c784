#pragma once

// The ComposeStack's conditions, Ready, Reconciling and Stalled, shaped so that kstatus (Flux,
// Helm 4, kpt), Flux's condition checker and Argo CD read them right
// (operator-conventions.md §1, the lifecycle table; §3, metav1.Condition):
//
// | phase       | Ready                        | Reconciling      | Stalled         | kstatus    |
// |-------------|------------------------------|------------------|-----------------|------------|
// | Progressing | Unknown Progressing          | True             | absent          | InProgress |
// | Retrying    | False ProgressingWithRetry   | True             | absent          | InProgress |
// | Ready       | True Succeeded               | absent           | absent          | Current    |
// | Stalled     | False <verdict's reason>     | absent           | True, same      | Failed     |
// | Suspended   | False Suspended              | absent           | absent          | InProgress |
//
// Reconciling carries the verdict's reason when it has one ("WaitingForDependencies"), else
// the Ready reason of its row. Reconciling and Stalled are abnormal-true conditions: present
// only while True (fluxcd/pkg's convention), never both at once.
//
// Suspended (spec.suspend: true; the issue leaves it open): Flux's controllers return before
// touching the status of a suspended object, so its observedGeneration lags the generation
// that set suspend and kstatus reports InProgress (LatestGenerationNotObserved). We say the same
// explicitly: Ready=False with Flux's reason "Suspended" (fluxcd/pkg meta.SuspendedReason), no
// Reconciling (nothing is being done) and no Stalled (nothing failed). kstatus then reports
// InProgress, so `kubectl wait --for=condition=Ready` and Flux's health checks keep waiting
// rather than passing on a stack whose spec is not applied. Ready=True would claim the spec is
// in force when later edits are not; Ready=Unknown without Reconciling=True breaks Flux's
// checker; Stalled=True would call a deliberate pause a failure.
//
// Every condition carries observedGeneration = the generation it was computed for. Its
// lastTransitionTime changes only when its status changes (metav1.Condition's rule). Reasons
// are made to match ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$ (at most 1024 bytes) and messages
// are one line of at most 32768 bytes, as the API server validates them.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cop::stack {

using Json = nlohmann::json;

inline constexpr std::string_view kConditionReady = "Ready";
inline constexpr std::string_view kConditionReconciling = "Reconciling";
inline constexpr std::string_view kConditionStalled = "Stalled";

inline constexpr std::string_view kStatusTrue = "True";
inline constexpr std::string_view kStatusFalse = "False";
inline constexpr std::string_view kStatusUnknown = "Unknown";

// The reasons this file writes: Flux's (fluxcd/pkg apis/meta), which Flux users and dashboards
// know. In their own namespace, so that a caller's file-local reason constants of the same
// names (a verdict's reasons) never make an unqualified name ambiguous.
namespace reasons {
inline constexpr std::string_view kProgressing = "Progressing";
inline constexpr std::string_view kProgressingWithRetry = "ProgressingWithRetry";
inline constexpr std::string_view kSucceeded = "Succeeded";
inline constexpr std::string_view kSuspended = "Suspended";
// A Stalled verdict without a usable reason of its own.
inline constexpr std::string_view kFailed = "Failed";
}  // namespace reasons

// metav1.Condition's limits, enforced by the API server's validation of the CRD's status.
inline constexpr std::size_t kMaxReasonBytes = 1024;
inline constexpr std::size_t kMaxConditionMessageBytes = 32768;

struct Condition {
  std::string type, status, reason, message;
  std::int64_t observedGeneration = 0;
  std::string lastTransitionTime;
};

enum class StackPhase { kProgressing, kRetrying, kReady, kStalled, kSuspended };

struct StackVerdict {
  StackPhase phase;
  std::string reason;   // CamelCase; sanitised; for Stalled the specific cause
  std::string message;  // one line is best; made one line and bounded
};

// Builds Ready/Reconciling/Stalled for `generation` from the verdict, sorted by type, keeping
// each condition's lastTransitionTime from `previous` when its status did not change; otherwise
// `now` (an RFC 3339 time; turned into the API server's own form, UTC whole seconds, so that
// the status we write reads back equal; used as given when it does not parse).
std::vector<Condition> stackConditions(const StackVerdict& verdict, std::int64_t generation,
                                       const std::vector<Condition>& previous,
                                       const std::string& now);

// status.conditions as the API server returns it. Tolerant of junk: items that are not objects,
// lack a string type, or whose status is not True/False/Unknown are skipped; a later item of a
// type already seen is skipped; other mistyped fields read as empty (0).
std::vector<Condition> parseConditions(const Json& statusConditions);

// The conditions as a JSON array sorted by type: type, status, observedGeneration (when > 0),
// lastTransitionTime, reason and message (both always present, as metav1.Condition requires).
Json toJson(const std::vector<Condition>& conditions);

// `reason` made valid for a condition or an Event: characters outside [A-Za-z0-9_,:] split
// words, which are joined CamelCase ("image pull-error" -> "ImagePullError"); leading
// characters up to the first letter and trailing ',' ':' go; at most kMaxReasonBytes. `fallback`
// when nothing is left.
std::string sanitizeReason(std::string_view reason, std::string_view fallback);

// The condition of `type` in `conditions`, or nullptr.
const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type);

}  // namespace cop::stack
