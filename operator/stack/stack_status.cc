#include "operator/stack/stack_status.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "operator/client/json_fields.h"
#include "operator/stack/status_text.h"

namespace cop::stack {
namespace {

using client::stringAt;

// The CRD's maxLength for each field (crds/compose.operator.dev_composestacks.yaml), so that a
// status write is never refused for a long value: Kubernetes names (DNS subdomains) and API
// versions, kinds (DNS labels), the input hash and a warning's code.
constexpr std::size_t kMaxNameBytes = 253;
constexpr std::size_t kMaxKindBytes = 63;
constexpr std::size_t kMaxInputHashBytes = 128;
constexpr std::size_t kMaxWarningCodeBytes = 128;
// Counts are int32 with minimum 0 in the CRD (they are int32 in the workloads' own status).
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();

// Puts `key: text` into `object` unless text is empty (omitempty).
void putText(Json& object, const char* key, std::string_view text, std::size_t maxBytes) {
  std::string line = boundedLine(text, maxBytes);
  if (!line.empty()) {
    object[key] = std::move(line);
  }
}

// Puts `key: text` into `object` even when empty: the CRD requires the field.
void putRequired(Json& object, const char* key, std::string_view text, std::size_t maxBytes) {
  object[key] = boundedLine(text, maxBytes);
}

Json serviceJson(const ServiceHealth& service) {
  const auto count = [](std::int64_t value) {
    return std::clamp<std::int64_t>(value, 0, kMaxCount);
  };
  Json out = Json::object();
  putRequired(out, "name", service.name, kMaxNameBytes);
  putText(out, "composeName", service.composeName, kMaxNameBytes);
  putText(out, "kind", service.kind, kMaxKindBytes);
  out["desiredReplicas"] = count(service.desiredReplicas);
  out["readyReplicas"] = count(service.readyReplicas);
  out["updatedReplicas"] = count(service.updatedReplicas);
  out["availableReplicas"] = count(service.availableReplicas);
  out["succeeded"] = count(service.succeeded);
  out["ready"] = service.ready;
  putText(out, "waitingFor", service.waitingFor, kMaxServiceMessageBytes);
  putText(out, "message", service.message, kMaxServiceMessageBytes);
  return out;
}

Json inventoryJson(const InventoryEntry& entry) {
  Json out = Json::object();
  putRequired(out, "apiVersion", entry.apiVersion, kMaxNameBytes);
  putRequired(out, "kind", entry.kind, kMaxKindBytes);
  putRequired(out, "name", entry.name, kMaxNameBytes);
  return out;
}

Json warningJson(const StatusWarning& warning) {
  Json out = Json::object();
  putText(out, "code", warning.code, kMaxWarningCodeBytes);
  putText(out, "service", warning.service, kMaxNameBytes);
  putText(out, "path", warning.path, kMaxWarningTextBytes);
  putText(out, "message", warning.message, kMaxWarningTextBytes);
  return out;
}

// --- sameStatus ----------------------------------------------------------------------------

bool isEmptyValue(const Json& value) {
  return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty()) ||
         (value.is_array() && value.empty()) || (value.is_object() && value.empty());
}

// `value` in the form two statuses that mean the same share (see sameStatus).
Json normalized(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& item : value) {
      out.push_back(normalized(item));
    }
    return out;
  }
  if (!value.is_object()) {
    return value;
  }
  Json out = Json::object();
  for (const auto& [key, item] : value.items()) {
    Json normal = normalized(item);
    if (key == "lastTransitionTime" && normal.is_string()) {
      if (auto canonical = canonicalTime(normal.get_ref<const std::string&>())) {
        normal = std::move(*canonical);
      }
    }
    if (key == "conditions" && normal.is_array()) {
      std::vector<Json> items(normal.begin(), normal.end());
      std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
        return stringAt(a, "type") < stringAt(b, "type");
      });
      normal = Json(std::move(items));
    }
    if (!isEmptyValue(normal)) {
      out[key] = std::move(normal);
    }
  }
  return out;
}

// --- transitionEvent -----------------------------------------------------------------------

enum class State { kNone, kProgressing, kRetrying, kReady, kStalled, kSuspended };

State stateOf(const std::vector<Condition>& conditions) {
  const Condition* stalled = findCondition(conditions, kConditionStalled);
  if (stalled != nullptr && stalled->status == kStatusTrue) {
    return State::kStalled;
  }
  const Condition* ready = findCondition(conditions, kConditionReady);
  if (ready == nullptr) {
    return State::kNone;
  }
  if (ready->status == kStatusTrue) {
    return State::kReady;
  }
  if (ready->status == kStatusUnknown) {
    return State::kProgressing;
  }
  return ready->reason == reasons::kSuspended ? State::kSuspended : State::kRetrying;
}

// The condition whose message an Event about `state` carries.
const Condition* decidingCondition(const std::vector<Condition>& conditions, State state) {
  return findCondition(conditions, state == State::kStalled ? kConditionStalled : kConditionReady);
}

}  // namespace

std::string StackStatus::readyServices() const {
  const auto ready = std::count_if(services.begin(), services.end(),
                                   [](const ServiceHealth& service) { return service.ready; });
  return std::to_string(ready) + "/" + std::to_string(services.size());
}

Json toJson(const StackStatus& status) {
  Json out = Json::object();
  if (status.observedGeneration > 0) {
    out["observedGeneration"] = status.observedGeneration;
  }
  putText(out, "inputHash", status.inputHash, kMaxInputHashBytes);
  out["readyServices"] = status.readyServices();
  if (!status.conditions.empty()) {
    out["conditions"] = toJson(status.conditions);
  }

  if (!status.services.empty()) {
    std::vector<const ServiceHealth*> services;
    for (const ServiceHealth& service : status.services) {
      services.push_back(&service);
    }
    std::stable_sort(services.begin(), services.end(),
                     [](const ServiceHealth* a, const ServiceHealth* b) {
                       return std::tie(a->name, a->composeName) < std::tie(b->name, b->composeName);
                     });
    Json list = Json::array();
    for (const ServiceHealth* service : services) {
      list.push_back(serviceJson(*service));
    }
    out["services"] = std::move(list);
  }

  if (!status.inventory.empty()) {
    std::vector<InventoryEntry> inventory = status.inventory;
    const auto key = [](const InventoryEntry& e) { return std::tie(e.kind, e.name, e.apiVersion); };
    std::sort(inventory.begin(), inventory.end(),
              [&key](const InventoryEntry& a, const InventoryEntry& b) { return key(a) < key(b); });
    inventory.erase(std::unique(inventory.begin(), inventory.end(),
                                [&key](const InventoryEntry& a, const InventoryEntry& b) {
                                  return key(a) == key(b);
                                }),
                    inventory.end());
    Json list = Json::array();
    for (const InventoryEntry& entry : inventory) {
      list.push_back(inventoryJson(entry));
    }
    out["inventory"] = std::move(list);
  }

  if (!status.warnings.empty()) {
    Json list = Json::array();
    const std::size_t total = status.warnings.size();
    // When capped, the last slot is the note on what was left out.
    const std::size_t shown = total <= kMaxStatusWarnings ? total : kMaxStatusWarnings - 1;
    for (std::size_t i = 0; i < shown; ++i) {
      list.push_back(warningJson(status.warnings[i]));
    }
    if (shown < total) {
      list.push_back(warningJson({std::string(kWarningsTruncatedCode), "", "",
                                  std::to_string(total - shown) + " more warnings not shown"}));
    }
    out["warnings"] = std::move(list);
  }
  return out;
}

bool sameStatus(const Json& live, const Json& desired) {
  const Json a = normalized(live);
  const Json b = normalized(desired);
  // A status that is absent (null) and one that is empty ({}) say the same.
  if (isEmptyValue(a) || isEmptyValue(b)) {
    return isEmptyValue(a) && isEmptyValue(b);
  }
  return a == b;
}

std::optional<StackEvent> transitionEvent(const std::vector<Condition>& previous,
                                          const std::vector<Condition>& next) {
  const State before = stateOf(previous);
  const State after = stateOf(next);
  const Condition* deciding = decidingCondition(next, after);
  if (after == before) {
    if (after != State::kStalled) {
      return std::nullopt;
    }
    const Condition* old = decidingCondition(previous, before);
    if (old != nullptr && deciding != nullptr && old->reason == deciding->reason &&
        old->message == deciding->message) {
      return std::nullopt;
    }
  }

  StackEvent event;
  std::string note = deciding != nullptr ? deciding->message : std::string();
  switch (after) {
    case State::kNone:
      return std::nullopt;
    case State::kProgressing:
      event = {std::string(kEventTypeNormal), std::string(kEventStackProgressing), {}};
      break;
    case State::kRetrying:
      event = {std::string(kEventTypeWarning), std::string(kEventStackRetrying), {}};
      break;
    case State::kReady:
      event = {std::string(kEventTypeNormal), std::string(kEventStackReady), {}};
      break;
    case State::kStalled:
      event = {std::string(kEventTypeWarning), std::string(kEventStackStalled), {}};
      if (deciding != nullptr && !deciding->reason.empty()) {
        note = deciding->reason + (note.empty() ? "" : ": ") + note;
      }
      break;
    case State::kSuspended:
      event = {std::string(kEventTypeNormal), std::string(kEventStackSuspended), {}};
      break;
  }
  event.note = boundedLine(note, kMaxEventNoteBytes);
  return event;
}

}  // namespace cop::stack
