#include "operator/stack/stack_conditions.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "operator/client/json_fields.h"
#include "operator/stack/status_text.h"

namespace cop::stack {
namespace {

using client::fieldAt;
using client::stringAt;

// Messages when the verdict has none: a condition's message is what `kubectl wait` and
// dashboards show, and an empty one tells nothing.
constexpr std::string_view kDefaultProgressingMessage = "reconciliation in progress";
constexpr std::string_view kDefaultRetryingMessage = "retrying after a transient error";
constexpr std::string_view kDefaultReadyMessage = "every service is available";
constexpr std::string_view kDefaultStalledMessage = "the stack cannot be reconciled";
constexpr std::string_view kDefaultSuspendedMessage =
    "reconciliation is suspended (spec.suspend); the workloads keep their last applied state";

// A condition we did not build may come without a reason; the API server requires one.
constexpr std::string_view kReasonUnspecified = "Unspecified";

bool isAsciiLetter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool isReasonCharacter(char c) {
  return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == ',' || c == ':';
}

char upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string messageOr(const std::string& message, std::string_view fallback) {
  std::string text = boundedLine(message, kMaxConditionMessageBytes);
  return text.empty() ? std::string(fallback) : text;
}

bool byType(const Condition& a, const Condition& b) {
  return a.type < b.type;
}

}  // namespace

std::string sanitizeReason(std::string_view reason, std::string_view fallback) {
  std::string out;
  bool wordStart = false;
  for (const char c : reason) {
    if (!isReasonCharacter(c)) {
      wordStart = true;
      continue;
    }
    if (out.empty() && !isAsciiLetter(c)) {
      continue;  // must start with a letter
    }
    // PascalCase, as Kubernetes and Flux write reasons: the first letter and each word's.
    out += wordStart || out.empty() ? upper(c) : c;
    wordStart = false;
  }
  if (out.size() > kMaxReasonBytes) {
    out.resize(kMaxReasonBytes);
  }
  while (!out.empty() && (out.back() == ',' || out.back() == ':')) {
    out.pop_back();
  }
  return out.empty() ? std::string(fallback) : out;
}

const Condition* findCondition(const std::vector<Condition>& conditions, std::string_view type) {
  const auto it = std::find_if(conditions.begin(), conditions.end(),
                               [type](const Condition& c) { return c.type == type; });
  return it != conditions.end() ? &*it : nullptr;
}

std::vector<Condition> stackConditions(const StackVerdict& verdict, std::int64_t generation,
                                       const std::vector<Condition>& previous,
                                       const std::string& now) {
  const std::string transitionTime = canonicalTime(now).value_or(now);
  std::vector<Condition> conditions;
  const auto add = [&](std::string_view type, std::string_view status, std::string reason,
                       std::string message) {
    Condition condition{std::string(type),  std::string(status), std::move(reason),
                        std::move(message), generation,          transitionTime};
    const Condition* before = findCondition(previous, type);
    if (before != nullptr && before->status == status && !before->lastTransitionTime.empty()) {
      condition.lastTransitionTime = before->lastTransitionTime;
    }
    conditions.push_back(std::move(condition));
  };

  switch (verdict.phase) {
    case StackPhase::kProgressing: {
      const std::string message = messageOr(verdict.message, kDefaultProgressingMessage);
      add(kConditionReady, kStatusUnknown, std::string(reasons::kProgressing), message);
      add(kConditionReconciling, kStatusTrue, sanitizeReason(verdict.reason, reasons::kProgressing),
          message);
      break;
    }
    case StackPhase::kRetrying: {
      const std::string message = messageOr(verdict.message, kDefaultRetryingMessage);
      add(kConditionReady, kStatusFalse, std::string(reasons::kProgressingWithRetry), message);
      add(kConditionReconciling, kStatusTrue,
          sanitizeReason(verdict.reason, reasons::kProgressingWithRetry), message);
      break;
    }
    case StackPhase::kReady:
      add(kConditionReady, kStatusTrue, std::string(reasons::kSucceeded),
          messageOr(verdict.message, kDefaultReadyMessage));
      break;
    case StackPhase::kStalled: {
      const std::string reason = sanitizeReason(verdict.reason, reasons::kFailed);
      const std::string message = messageOr(verdict.message, kDefaultStalledMessage);
      add(kConditionReady, kStatusFalse, reason, message);
      add(kConditionStalled, kStatusTrue, reason, message);
      break;
    }
    case StackPhase::kSuspended:
      add(kConditionReady, kStatusFalse, std::string(reasons::kSuspended),
          messageOr(verdict.message, kDefaultSuspendedMessage));
      break;
  }
  // Added in type order (Ready, Reconciling, Stalled): sorted as the header promises.
  return conditions;
}

std::vector<Condition> parseConditions(const Json& statusConditions) {
  std::vector<Condition> conditions;
  if (!statusConditions.is_array()) {
    return conditions;
  }
  std::set<std::string> seen;
  for (const Json& item : statusConditions) {
    if (!item.is_object()) {
      continue;
    }
    const Json* type = fieldAt(item, "type");
    if (type == nullptr || !type->is_string() || type->get_ref<const std::string&>().empty()) {
      continue;
    }
    const std::string status = stringAt(item, "status");
    if (status != kStatusTrue && status != kStatusFalse && status != kStatusUnknown) {
      continue;
    }
    if (!seen.insert(type->get<std::string>()).second) {
      continue;  // a list map has one entry per type; the first wins
    }
    Condition condition;
    condition.type = type->get<std::string>();
    condition.status = status;
    condition.reason = stringAt(item, "reason");
    condition.message = stringAt(item, "message");
    condition.lastTransitionTime = stringAt(item, "lastTransitionTime");
    if (const Json* generation = fieldAt(item, "observedGeneration");
        generation != nullptr && generation->is_number_integer()) {
      // An unsigned beyond int64 (never sent by the API server) reads as 0, not as negative.
      condition.observedGeneration =
          generation->is_number_unsigned() &&
                  generation->get<std::uint64_t>() >
                      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
              ? 0
              : generation->get<std::int64_t>();
    }
    conditions.push_back(std::move(condition));
  }
  return conditions;
}

Json toJson(const std::vector<Condition>& conditions) {
  std::vector<Condition> sorted = conditions;
  std::stable_sort(sorted.begin(), sorted.end(), byType);
  Json out = Json::array();
  for (const Condition& condition : sorted) {
    Json item = {{"type", oneLine(condition.type)},
                 {"status", oneLine(condition.status)},
                 {"lastTransitionTime", oneLine(condition.lastTransitionTime)},
                 {"reason", sanitizeReason(condition.reason, kReasonUnspecified)},
                 {"message", boundedLine(condition.message, kMaxConditionMessageBytes)}};
    if (condition.observedGeneration > 0) {
      item["observedGeneration"] = condition.observedGeneration;
    }
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace cop::stack
