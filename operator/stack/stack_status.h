#pragma once

// The ComposeStack's whole status object (issue 8, "The status holds"), how to tell whether the
// live one already says the same (so that an unchanged status is never written:
// operator-conventions.md §3, a write bumps resourceVersion and fires every watch), and the one
// Event per change of state (§3, Events: not one per reconcile).
//
// Output is stable: services sorted by name, inventory by kind then name (then apiVersion),
// conditions by type; the same inputs give the same JSON, so sameStatus holds from one
// reconcile to the next. Empty strings and lists are omitted as Kubernetes omits them
// (`omitempty`), and so are observedGeneration 0 and an absent inputHash, except the fields
// the CRD requires (a service's name; an inventory entry's apiVersion, kind and name). A
// service's counts and `ready` are always written, since 0 and false say something; counts are
// clamped to the CRD's int32 range, minimum 0. Every text is one line of valid UTF-8, within
// the CRD's maxLength for its field, so that a status write is never refused.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/stack/service_health.h"
#include "operator/stack/stack_conditions.h"

namespace cop::stack {

using Json = nlohmann::json;

// At most this many warnings in the status; when there are more, the last of them says how many
// were left out (code kWarningsTruncatedCode). A stack with thousands of warnings must not push
// its status towards the 1.5 MiB object limit.
inline constexpr std::size_t kMaxStatusWarnings = 100;
inline constexpr std::string_view kWarningsTruncatedCode = "WarningsTruncated";
// Bound of a warning's path and message (the translator's messages are far shorter).
inline constexpr std::size_t kMaxWarningTextBytes = 1024;

// events.k8s.io/v1 limits (operator-conventions.md §3): note at most 1 kB.
inline constexpr std::size_t kMaxEventNoteBytes = 1024;

inline constexpr std::string_view kEventTypeNormal = "Normal";
inline constexpr std::string_view kEventTypeWarning = "Warning";
// Event reasons: specific CamelCase categories, one per state the stack enters.
inline constexpr std::string_view kEventStackProgressing = "StackProgressing";
inline constexpr std::string_view kEventStackRetrying = "StackRetrying";
inline constexpr std::string_view kEventStackReady = "StackReady";
inline constexpr std::string_view kEventStackStalled = "StackStalled";
inline constexpr std::string_view kEventStackSuspended = "StackSuspended";

struct InventoryEntry {
  std::string apiVersion, kind, name;
};

struct StatusWarning {
  std::string code, service, path, message;
};

struct StackStatus {
  std::int64_t observedGeneration = 0;
  std::string inputHash;
  std::vector<Condition> conditions;
  std::vector<ServiceHealth> services;
  std::vector<InventoryEntry> inventory;
  // Capped at kMaxStatusWarnings by toJson (the last entry then says how many were left out).
  std::vector<StatusWarning> warnings;
  // "3/4": ready services of all services; the printer column.
  std::string readyServices() const;
};

// The CRD's status shape: observedGeneration, inputHash, readyServices, conditions,
// services[{name, composeName, kind, desiredReplicas, readyReplicas, updatedReplicas,
// availableReplicas, succeeded, ready, waitingFor, message}], inventory[{apiVersion, kind,
// name}] (exact duplicates once), warnings[{code, service, path, message}].
Json toJson(const StackStatus& status);

// Whether `live` (the object's .status as read) already says what `desired` (toJson's result)
// says: equal after dropping null, empty strings, lists and objects (absent and empty mean the
// same to Kubernetes), ordering conditions by type (a list map: its order means nothing), and
// reading every lastTransitionTime as the instant it denotes. Numbers compare by value (1 ==
// 1.0). Anything else that differs, an extra field included, means a write is due.
bool sameStatus(const Json& live, const Json& desired);

// A state change worth one Kubernetes Event (not one per reconcile): compare the previous and
// the new Ready/Stalled conditions. The stack's state is read from them: Ready=True is ready;
// Stalled=True is stalled; Ready=Unknown is progressing; Ready=False is suspended (reason
// Suspended) or retrying (anything else). An Event comes when that state changes, and also when
// a stalled stack's reason or message changes (a different problem: the user fixed one and
// hit the next). Entering Stalled or Retrying is a Warning, the others Normal. The note is the
// Ready (or Stalled) message, prefixed with the reason when stalled, one line, at most
// kMaxEventNoteBytes.
struct StackEvent {
  std::string type /*Normal|Warning*/, reason, note;
};
std::optional<StackEvent> transitionEvent(const std::vector<Condition>& previous,
                                          const std::vector<Condition>& next);

}  // namespace cop::stack
