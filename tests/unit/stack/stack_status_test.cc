// The status object: its exact shape, stable order, omitted empties and capped warnings;
// sameStatus (an unchanged status is never written); one Event per change of state.

#include "operator/stack/stack_status.h"

#include <gtest/gtest.h>

namespace cop::stack {
namespace {

constexpr std::int64_t kGeneration = 3;
constexpr const char* kNow = "2026-05-01T10:00:00Z";

ServiceHealth service(std::string name, bool ready, std::string waitingFor = "",
                      std::string message = "") {
  ServiceHealth health;
  health.name = name;
  health.composeName = name;
  health.kind = "Deployment";
  health.desiredReplicas = 1;
  health.readyReplicas = ready ? 1 : 0;
  health.updatedReplicas = 1;
  health.availableReplicas = ready ? 1 : 0;
  health.ready = ready;
  health.waitingFor = std::move(waitingFor);
  health.message = std::move(message);
  return health;
}

std::vector<Condition> conditions(StackPhase phase, std::string reason = "",
                                  std::string message = "") {
  return stackConditions({phase, std::move(reason), std::move(message)}, kGeneration, {}, kNow);
}

StackStatus sample() {
  StackStatus status;
  status.observedGeneration = kGeneration;
  status.inputHash = "sha256:abc";
  status.conditions = conditions(StackPhase::kProgressing, "", "web waits for db");
  status.services = {service("web", false, "db to be healthy"), service("db", true)};
  status.inventory = {{"apps/v1", "Deployment", "web"},
                      {"v1", "Service", "db"},
                      {"apps/v1", "Deployment", "db"},
                      {"apps/v1", "Deployment", "web"}};
  status.warnings = {{"NotCarriedOver", "web", "services.web.logging", "not carried over"}};
  return status;
}

TEST(stack_status_StackStatus, ReadyServicesCountsReadyOfAll) {
  StackStatus status;
  EXPECT_EQ(status.readyServices(), "0/0");
  status.services = {service("a", true), service("b", false), service("c", true),
                     service("d", true)};
  EXPECT_EQ(status.readyServices(), "3/4");
}

TEST(stack_status_StackStatus, ToJsonHasTheCrdShapeInStableOrder) {
  const Json expected = Json::parse(R"({
    "observedGeneration": 3,
    "inputHash": "sha256:abc",
    "readyServices": "1/2",
    "conditions": [
      {"type": "Ready", "status": "Unknown", "reason": "Progressing",
       "message": "web waits for db", "observedGeneration": 3,
       "lastTransitionTime": "2026-05-01T10:00:00Z"},
      {"type": "Reconciling", "status": "True", "reason": "Progressing",
       "message": "web waits for db", "observedGeneration": 3,
       "lastTransitionTime": "2026-05-01T10:00:00Z"}],
    "services": [
      {"name": "db", "composeName": "db", "kind": "Deployment", "desiredReplicas": 1,
       "readyReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1, "succeeded": 0,
       "ready": true},
      {"name": "web", "composeName": "web", "kind": "Deployment", "desiredReplicas": 1,
       "readyReplicas": 0, "updatedReplicas": 1, "availableReplicas": 0, "succeeded": 0,
       "ready": false, "waitingFor": "db to be healthy"}],
    "inventory": [
      {"apiVersion": "apps/v1", "kind": "Deployment", "name": "db"},
      {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
      {"apiVersion": "v1", "kind": "Service", "name": "db"}],
    "warnings": [
      {"code": "NotCarriedOver", "service": "web", "path": "services.web.logging",
       "message": "not carried over"}]
  })");
  EXPECT_EQ(toJson(sample()), expected) << toJson(sample()).dump(2);
}

TEST(stack_status_StackStatus, ToJsonOmitsEmptyStringsAndLists) {
  StackStatus status;
  ServiceHealth bare;
  bare.name = "web";
  status.services = {bare};
  status.warnings = {{"", "", "", "only a message"}};
  EXPECT_EQ(toJson(status), Json::parse(R"({
    "readyServices": "0/1",
    "services": [{"name": "web", "desiredReplicas": 0, "readyReplicas": 0, "updatedReplicas": 0,
                  "availableReplicas": 0, "succeeded": 0, "ready": false}],
    "warnings": [{"message": "only a message"}]
  })"));
}

TEST(stack_status_StackStatus, ToJsonTextIsOneLineAndBounded) {
  StackStatus status;
  status.services = {service("web", false, "a\nb", std::string(5000, 'm'))};
  status.warnings = {{"C", "web", "p", std::string(5000, 'w') + "\n"}};
  const Json json = toJson(status);
  EXPECT_EQ(json["services"][0]["waitingFor"], "a b");
  EXPECT_LE(json["services"][0]["message"].get<std::string>().size(), kMaxServiceMessageBytes);
  EXPECT_LE(json["warnings"][0]["message"].get<std::string>().size(), kMaxWarningTextBytes);
}

TEST(stack_status_StackStatus, ToJsonStaysWithinTheCrdValidation) {
  StackStatus status;
  status.inputHash = std::string(200, 'h');
  ServiceHealth huge = service(std::string(300, 'n'), false);
  huge.composeName = std::string(300, 'c');
  huge.desiredReplicas = std::int64_t{1} << 40;
  huge.readyReplicas = -1;
  status.services = {huge, ServiceHealth{}};
  status.inventory = {{"", "", ""}, {"v1", std::string(100, 'K'), std::string(300, 'x')}};
  status.warnings = {{std::string(200, 'C'), std::string(300, 's'), "p", "m"}};
  const Json json = toJson(status);

  const auto length = [](const Json& value) { return value.get<std::string>().size(); };
  EXPECT_LE(length(json["inputHash"]), 128u);
  // services[].name is required: written even when empty.
  EXPECT_EQ(json["services"][0]["name"], "");
  EXPECT_LE(length(json["services"][1]["name"]), 253u);
  EXPECT_LE(length(json["services"][1]["composeName"]), 253u);
  EXPECT_EQ(json["services"][1]["desiredReplicas"], 2147483647);
  EXPECT_EQ(json["services"][1]["readyReplicas"], 0);
  // inventory[] requires apiVersion, kind and name.
  EXPECT_EQ(json["inventory"][0], Json::parse(R"({"apiVersion": "", "kind": "", "name": ""})"));
  EXPECT_LE(length(json["inventory"][1]["kind"]), 63u);
  EXPECT_LE(length(json["inventory"][1]["name"]), 253u);
  EXPECT_LE(length(json["warnings"][0]["code"]), 128u);
  EXPECT_LE(length(json["warnings"][0]["service"]), 253u);
}

TEST(stack_status_StackStatus, WarningsAreCappedWithACountOfTheRest) {
  const auto withWarnings = [](std::size_t count) {
    StackStatus status;
    for (std::size_t i = 0; i < count; ++i) {
      status.warnings.push_back({"W", "s", "p", "warning " + std::to_string(i)});
    }
    return toJson(status)["warnings"];
  };
  EXPECT_EQ(withWarnings(kMaxStatusWarnings).size(), kMaxStatusWarnings);
  EXPECT_EQ(withWarnings(kMaxStatusWarnings).back()["message"], "warning 99");

  const Json capped = withWarnings(150);
  ASSERT_EQ(capped.size(), kMaxStatusWarnings);
  EXPECT_EQ(capped[98]["message"], "warning 98");
  EXPECT_EQ(capped.back(), Json::parse(R"({"code": "WarningsTruncated",
                                           "message": "51 more warnings not shown"})"));
  EXPECT_EQ(withWarnings(kMaxStatusWarnings + 1).back()["message"], "2 more warnings not shown");
}

TEST(stack_status_SameStatus, AStatusIsTheSameAsItselfReadBack) {
  const Json desired = toJson(sample());
  EXPECT_TRUE(sameStatus(Json::parse(desired.dump()), desired));
}

TEST(stack_status_SameStatus, AnUnchangedReconcileProducesTheSameStatus) {
  // Reconcile 1 writes; reconcile 2 reads it back and rebuilds from the same state a minute on.
  StackStatus first = sample();
  const Json written = toJson(first);
  StackStatus second = sample();
  second.conditions =
      stackConditions({StackPhase::kProgressing, "", "web waits for db"}, kGeneration,
                      parseConditions(written["conditions"]), "2026-05-01T10:01:00Z");
  EXPECT_TRUE(sameStatus(written, toJson(second)));
}

TEST(stack_status_SameStatus, IgnoresWhatKubernetesDoesNotDistinguish) {
  const Json desired = toJson(sample());
  Json live = desired;
  // Absent and empty are the same; so are 1 and 1.0, and one instant in two spellings.
  live["extra"] = Json::array();
  live["other"] = nullptr;
  live["note"] = "";
  live["services"][0]["message"] = "";
  live["observedGeneration"] = 3.0;
  live["conditions"][0]["lastTransitionTime"] = "2026-05-01T12:00:00+02:00";
  // conditions is a list map: its order means nothing.
  std::swap(live["conditions"][0], live["conditions"][1]);
  EXPECT_TRUE(sameStatus(live, desired));
  EXPECT_TRUE(sameStatus(Json(), Json::object()));
}

TEST(stack_status_SameStatus, AnyRealDifferenceMeansAWrite) {
  const Json desired = toJson(sample());
  const std::vector<std::pair<std::string, Json>> changes = {
      {"/services/0/ready", false},
      {"/services/1/waitingFor", "db to start"},
      {"/services/0/desiredReplicas", 0},
      {"/conditions/0/status", "True"},
      {"/conditions/0/lastTransitionTime", "2026-05-01T10:00:01Z"},
      {"/observedGeneration", 2},
      {"/readyServices", "2/2"},
      {"/extra", "field"},
      {"/inventory/0/name", "cache"},
  };
  for (const auto& [pointer, value] : changes) {
    Json live = desired;
    live[Json::json_pointer(pointer)] = value;
    EXPECT_FALSE(sameStatus(live, desired)) << pointer;
  }
  Json reordered = desired;
  std::swap(reordered["services"][0], reordered["services"][1]);
  EXPECT_FALSE(sameStatus(reordered, desired));
  Json missing = desired;
  missing.erase("warnings");
  EXPECT_FALSE(sameStatus(missing, desired));
  EXPECT_FALSE(sameStatus(Json(), desired));
}

// --- transitionEvent ----------------------------------------------------------------------

std::optional<StackEvent> transition(const std::vector<Condition>& before,
                                     const std::vector<Condition>& after) {
  return transitionEvent(before, after);
}

TEST(stack_status_TransitionEvent, EachNewStateGetsOneEventOfItsKind) {
  const auto progressing = conditions(StackPhase::kProgressing, "", "applying");
  const auto retrying = conditions(StackPhase::kRetrying, "", "apply: 503");
  const auto ready = conditions(StackPhase::kReady, "", "2/2 services available");
  const auto stalled = conditions(StackPhase::kStalled, "InvalidCompose", "compose.yaml:3: bad");
  const auto suspended = conditions(StackPhase::kSuspended, "", "suspended");

  struct Case {
    const std::vector<Condition>* before;
    const std::vector<Condition>* after;
    const char* type;
    const char* reason;
    const char* note;
  };
  const std::vector<Condition> none;
  const std::vector<Case> cases = {
      {&none, &progressing, "Normal", "StackProgressing", "applying"},
      {&progressing, &ready, "Normal", "StackReady", "2/2 services available"},
      {&ready, &progressing, "Normal", "StackProgressing", "applying"},
      {&progressing, &retrying, "Warning", "StackRetrying", "apply: 503"},
      {&retrying, &progressing, "Normal", "StackProgressing", "applying"},
      {&progressing, &stalled, "Warning", "StackStalled", "InvalidCompose: compose.yaml:3: bad"},
      {&ready, &stalled, "Warning", "StackStalled", "InvalidCompose: compose.yaml:3: bad"},
      {&stalled, &progressing, "Normal", "StackProgressing", "applying"},
      {&ready, &suspended, "Normal", "StackSuspended", "suspended"},
      {&suspended, &progressing, "Normal", "StackProgressing", "applying"},
  };
  for (const Case& c : cases) {
    const auto event = transition(*c.before, *c.after);
    ASSERT_TRUE(event.has_value()) << c.reason;
    EXPECT_EQ(event->type, c.type) << c.reason;
    EXPECT_EQ(event->reason, c.reason);
    EXPECT_EQ(event->note, c.note) << c.reason;
  }
}

TEST(stack_status_TransitionEvent, NoEventWhileTheStateStaysTheSame) {
  for (const StackPhase phase : {StackPhase::kProgressing, StackPhase::kRetrying,
                                 StackPhase::kReady, StackPhase::kSuspended}) {
    EXPECT_FALSE(transition(conditions(phase, "A", "one"), conditions(phase, "B", "two")));
  }
  EXPECT_FALSE(transition(conditions(StackPhase::kStalled, "A", "one"),
                          conditions(StackPhase::kStalled, "A", "one")));
  EXPECT_FALSE(transition({}, {}));
}

TEST(stack_status_TransitionEvent, AStalledStackWithANewProblemGetsANewEvent) {
  const auto first = conditions(StackPhase::kStalled, "MissingSecret", "secret a not found");
  EXPECT_TRUE(transition(first, conditions(StackPhase::kStalled, "MissingSecret", "secret b")));
  EXPECT_TRUE(
      transition(first, conditions(StackPhase::kStalled, "NameCollision", "secret a not found")));
}

TEST(stack_status_TransitionEvent, NoteIsOneLineOfAtMostOneKilobyte) {
  const auto event = transition(
      conditions(StackPhase::kReady),
      conditions(StackPhase::kStalled, "Invalid", "first\nsecond " + std::string(5000, 'x')));
  ASSERT_TRUE(event);
  EXPECT_LE(event->note.size(), kMaxEventNoteBytes);
  EXPECT_TRUE(event->note.starts_with("Invalid: first second x"));
}

}  // namespace
}  // namespace cop::stack
