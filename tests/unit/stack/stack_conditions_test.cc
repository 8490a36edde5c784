// stackConditions follows the lifecycle table of operator-conventions.md §1 exactly, and what
// it writes reads back as kstatus and Flux's checker expect; parseConditions survives junk.

#include "operator/stack/stack_conditions.h"

#include <gtest/gtest.h>

#include <regex>

namespace cop::stack {
namespace {

constexpr std::int64_t kGeneration = 7;
constexpr const char* kNow = "2026-05-01T10:00:00Z";
constexpr const char* kLater = "2026-05-01T11:00:00Z";

// kstatus's Compute() (cli-utils pkg/kstatus/status, rules 2-7 of §1) for a ComposeStack
// whose status is `status` and whose metadata.generation is kGeneration.
std::string kstatus(const Json& status) {
  if (status.contains("observedGeneration") && status["observedGeneration"] != kGeneration) {
    return "InProgress";
  }
  const auto conditions = parseConditions(status.value("conditions", Json::array()));
  const auto isTrue = [&](std::string_view type) {
    const Condition* c = findCondition(conditions, type);
    return c != nullptr && c->status == "True";
  };
  if (isTrue("Reconciling")) {
    return "InProgress";
  }
  if (isTrue("Stalled")) {
    return "Failed";
  }
  if (const Condition* ready = findCondition(conditions, "Ready")) {
    return ready->status == "True" ? "Current" : "InProgress";
  }
  return "Current";
}

// Flux's condition checker (fluxcd/pkg runtime/conditions/check): the failures it reports.
std::vector<std::string> fluxCheckFailures(const std::vector<Condition>& conditions) {
  std::vector<std::string> failures;
  const Condition* ready = findCondition(conditions, "Ready");
  const Condition* reconciling = findCondition(conditions, "Reconciling");
  const Condition* stalled = findCondition(conditions, "Stalled");
  const bool reconcilingTrue = reconciling != nullptr && reconciling->status == "True";
  const bool stalledTrue = stalled != nullptr && stalled->status == "True";
  if (ready == nullptr) {
    failures.push_back("no Ready");
    return failures;
  }
  if ((reconcilingTrue || stalledTrue) && ready->status == "True") {
    failures.push_back("Ready=True while Reconciling or Stalled");
  }
  if (reconcilingTrue && stalledTrue) {
    failures.push_back("both Reconciling and Stalled");
  }
  if (ready->status == "Unknown" && !reconcilingTrue) {
    failures.push_back("Ready=Unknown without Reconciling");
  }
  if ((reconciling != nullptr && !reconcilingTrue) || (stalled != nullptr && !stalledTrue)) {
    failures.push_back("an abnormal-true condition present while not True");
  }
  for (const Condition& c : conditions) {
    if (c.observedGeneration != kGeneration) {
      failures.push_back(c.type + " observedGeneration behind");
    }
  }
  return failures;
}

Json statusOf(const std::vector<Condition>& conditions) {
  return Json{{"observedGeneration", kGeneration}, {"conditions", toJson(conditions)}};
}

std::vector<Condition> build(StackPhase phase, std::string reason = "", std::string message = "",
                             const std::vector<Condition>& previous = {},
                             const std::string& now = kNow) {
  return stackConditions({phase, std::move(reason), std::move(message)}, kGeneration, previous,
                         now);
}

std::vector<std::string> types(const std::vector<Condition>& conditions) {
  std::vector<std::string> out;
  for (const Condition& c : conditions) {
    out.push_back(c.type);
  }
  return out;
}

const Condition& get(const std::vector<Condition>& conditions, std::string_view type) {
  const Condition* c = findCondition(conditions, type);
  EXPECT_NE(c, nullptr) << type;
  static const Condition kMissing;
  return c != nullptr ? *c : kMissing;
}

using Types = std::vector<std::string>;

TEST(stack_status_StackConditions, ProgressingIsReadyUnknownAndReconciling) {
  const auto conditions = build(StackPhase::kProgressing, "WaitingForDependencies", "web waits");
  EXPECT_EQ(types(conditions), (Types{"Ready", "Reconciling"}));
  EXPECT_EQ(get(conditions, "Ready").status, "Unknown");
  EXPECT_EQ(get(conditions, "Ready").reason, "Progressing");
  EXPECT_EQ(get(conditions, "Ready").message, "web waits");
  EXPECT_EQ(get(conditions, "Reconciling").status, "True");
  EXPECT_EQ(get(conditions, "Reconciling").reason, "WaitingForDependencies");
  EXPECT_EQ(get(conditions, "Reconciling").message, "web waits");
  EXPECT_EQ(kstatus(statusOf(conditions)), "InProgress");
  EXPECT_EQ(fluxCheckFailures(conditions), Types{});
  EXPECT_EQ(get(build(StackPhase::kProgressing), "Reconciling").reason, "Progressing");
}

TEST(stack_status_StackConditions, RetryingIsReadyFalseWithRetryAndReconciling) {
  const auto conditions = build(StackPhase::kRetrying, "", "apply: 503");
  EXPECT_EQ(types(conditions), (Types{"Ready", "Reconciling"}));
  EXPECT_EQ(get(conditions, "Ready").status, "False");
  EXPECT_EQ(get(conditions, "Ready").reason, "ProgressingWithRetry");
  EXPECT_EQ(get(conditions, "Reconciling").status, "True");
  EXPECT_EQ(get(conditions, "Reconciling").reason, "ProgressingWithRetry");
  EXPECT_EQ(kstatus(statusOf(conditions)), "InProgress");
  EXPECT_EQ(fluxCheckFailures(conditions), Types{});
}

TEST(stack_status_StackConditions, ReadyIsReadyTrueSucceededAlone) {
  const auto conditions = build(StackPhase::kReady, "Whatever", "4/4 services available");
  EXPECT_EQ(types(conditions), Types{"Ready"});
  EXPECT_EQ(get(conditions, "Ready").status, "True");
  EXPECT_EQ(get(conditions, "Ready").reason, "Succeeded");
  EXPECT_EQ(get(conditions, "Ready").message, "4/4 services available");
  EXPECT_EQ(kstatus(statusOf(conditions)), "Current");
  EXPECT_EQ(fluxCheckFailures(conditions), Types{});
}

TEST(stack_status_StackConditions, StalledIsReadyFalseAndStalledWithTheSameReasonAndMessage) {
  const auto conditions =
      build(StackPhase::kStalled, "MissingSecret", "variablesFrom: secret \"db\" not found");
  EXPECT_EQ(types(conditions), (Types{"Ready", "Stalled"}));
  for (const char* type : {"Ready", "Stalled"}) {
    EXPECT_EQ(get(conditions, type).reason, "MissingSecret") << type;
    EXPECT_EQ(get(conditions, type).message, "variablesFrom: secret \"db\" not found") << type;
  }
  EXPECT_EQ(get(conditions, "Ready").status, "False");
  EXPECT_EQ(get(conditions, "Stalled").status, "True");
  EXPECT_EQ(kstatus(statusOf(conditions)), "Failed");
  EXPECT_EQ(fluxCheckFailures(conditions), Types{});
}

TEST(stack_status_StackConditions, SuspendedIsReadyFalseSuspendedAndNothingElse) {
  const auto conditions = build(StackPhase::kSuspended);
  EXPECT_EQ(types(conditions), Types{"Ready"});
  EXPECT_EQ(get(conditions, "Ready").status, "False");
  EXPECT_EQ(get(conditions, "Ready").reason, "Suspended");
  EXPECT_FALSE(get(conditions, "Ready").message.empty());
  EXPECT_EQ(kstatus(statusOf(conditions)), "InProgress");
  EXPECT_EQ(fluxCheckFailures(conditions), Types{});
}

TEST(stack_status_StackConditions, EveryConditionCarriesTheGenerationAndIsSortedByType) {
  for (const StackPhase phase :
       {StackPhase::kProgressing, StackPhase::kRetrying, StackPhase::kReady, StackPhase::kStalled,
        StackPhase::kSuspended}) {
    const auto conditions = build(phase, "R", "m");
    for (std::size_t i = 0; i < conditions.size(); ++i) {
      EXPECT_EQ(conditions[i].observedGeneration, kGeneration);
      EXPECT_EQ(conditions[i].lastTransitionTime, kNow);
      EXPECT_FALSE(conditions[i].message.empty());
      if (i > 0) {
        EXPECT_LT(conditions[i - 1].type, conditions[i].type);
      }
    }
  }
}

TEST(stack_status_StackConditions, ReasonsAreSanitisedToTheApiPattern) {
  EXPECT_EQ(get(build(StackPhase::kStalled, "invalid compose!"), "Stalled").reason,
            "InvalidCompose");
  EXPECT_EQ(get(build(StackPhase::kStalled, ""), "Stalled").reason, "Failed");
  EXPECT_EQ(get(build(StackPhase::kStalled, "!!!"), "Ready").reason, "Failed");
  EXPECT_EQ(sanitizeReason("404 not-found", "X"), "NotFound");
  EXPECT_EQ(sanitizeReason("Apply:Conflict,", "X"), "Apply:Conflict");
  EXPECT_EQ(sanitizeReason("name_collision", "X"), "Name_collision");
  EXPECT_EQ(sanitizeReason("ProgressingWithRetry", "X"), "ProgressingWithRetry");
  EXPECT_EQ(sanitizeReason(std::string(3000, 'a'), "X").size(), kMaxReasonBytes);

  const std::regex pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$");
  for (const char* junk : {"a", "é", "a\nb", ":a:", "1,2,3", "x y,:", "\xff\xfe", "A_,", "_"}) {
    const std::string reason = sanitizeReason(junk, "Fallback");
    EXPECT_TRUE(std::regex_match(reason, pattern)) << junk << " -> " << reason;
  }
}

TEST(stack_status_StackConditions, MessagesAreOneLineWithinTheApiLimit) {
  const std::string huge = "line one\nline two " + std::string(40000, 'x');
  const auto conditions = build(StackPhase::kStalled, "Invalid", huge);
  for (const Condition& c : conditions) {
    EXPECT_LE(c.message.size(), kMaxConditionMessageBytes);
    EXPECT_TRUE(c.message.starts_with("line one line two x"));
  }
}

TEST(stack_status_StackConditions, TransitionTimeChangesOnlyWithTheStatus) {
  const auto first = build(StackPhase::kProgressing, "", "a", {}, kNow);
  // Still progressing, with another message and reason: the times stay.
  const auto second = build(StackPhase::kProgressing, "Applying", "b", first, kLater);
  EXPECT_EQ(get(second, "Ready").lastTransitionTime, kNow);
  EXPECT_EQ(get(second, "Reconciling").lastTransitionTime, kNow);
  // Ready Unknown -> True: a transition.
  const auto third = build(StackPhase::kReady, "", "", second, kLater);
  EXPECT_EQ(get(third, "Ready").lastTransitionTime, kLater);
  // Ready True -> False (Stalled): a transition; Stalled is new.
  const auto fourth = build(StackPhase::kStalled, "X", "", third, "2026-05-01T12:00:00Z");
  EXPECT_EQ(get(fourth, "Ready").lastTransitionTime, "2026-05-01T12:00:00Z");
  EXPECT_EQ(get(fourth, "Stalled").lastTransitionTime, "2026-05-01T12:00:00Z");
}

TEST(stack_status_StackConditions, NowIsWrittenAsTheApiServerStoresIt) {
  const auto conditions = build(StackPhase::kReady, "", "", {}, "2026-05-01T12:00:00.123+02:00");
  EXPECT_EQ(get(conditions, "Ready").lastTransitionTime, "2026-05-01T10:00:00Z");
}

TEST(stack_status_StackConditions, ParseSkipsJunkAndKeepsTheFirstOfEachType) {
  const Json junk = Json::parse(R"([
    5, null, "Ready", {}, {"type": 1, "status": "True"}, {"type": "", "status": "True"},
    {"type": "Ready", "status": "Maybe"},
    {"type": "Ready", "status": "True", "reason": "Succeeded", "message": "ok",
     "observedGeneration": 3, "lastTransitionTime": "2026-05-01T10:00:00Z"},
    {"type": "Ready", "status": "False"},
    {"type": "Stalled", "status": "False", "reason": 9, "observedGeneration": "4"}
  ])");
  const auto conditions = parseConditions(junk);
  ASSERT_EQ(types(conditions), (Types{"Ready", "Stalled"}));
  EXPECT_EQ(conditions[0].status, "True");
  EXPECT_EQ(conditions[0].reason, "Succeeded");
  EXPECT_EQ(conditions[0].message, "ok");
  EXPECT_EQ(conditions[0].observedGeneration, 3);
  EXPECT_EQ(conditions[0].lastTransitionTime, "2026-05-01T10:00:00Z");
  EXPECT_EQ(conditions[1].reason, "");
  EXPECT_EQ(conditions[1].observedGeneration, 0);
  EXPECT_TRUE(parseConditions(Json::parse(R"({"type": "Ready"})")).empty());
  EXPECT_TRUE(parseConditions(Json()).empty());
}

TEST(stack_status_StackConditions, ToJsonRoundTripsAndWritesWhatTheApiRequires) {
  const auto conditions = build(StackPhase::kStalled, "Invalid", "bad");
  const Json json = toJson(conditions);
  ASSERT_TRUE(json.is_array());
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0], Json::parse(R"({"type": "Ready", "status": "False", "reason": "Invalid",
      "message": "bad", "observedGeneration": 7, "lastTransitionTime": "2026-05-01T10:00:00Z"})"));
  EXPECT_EQ(json[1]["type"], "Stalled");
  const auto back = parseConditions(json);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].reason, "Invalid");
  EXPECT_EQ(back[1].observedGeneration, kGeneration);

  // Written sorted whatever the order given; observedGeneration 0 omitted; message kept empty.
  const Json loose =
      toJson({{"Stalled", "True", "", "", 0, kNow}, {"Ready", "False", "X", "", 0, kNow}});
  EXPECT_EQ(loose[0]["type"], "Ready");
  EXPECT_FALSE(loose[0].contains("observedGeneration"));
  EXPECT_EQ(loose[0]["message"], "");
  EXPECT_EQ(loose[1]["reason"], "Unspecified");  // required by the API
}

}  // namespace
}  // namespace cop::stack
