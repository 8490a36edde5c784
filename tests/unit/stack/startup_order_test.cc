// planStartup: depends_on gates when a service's workload may first be applied, never whether a
// running one stays.

#include "operator/stack/startup_order.h"

#include <gtest/gtest.h>

namespace cop::stack {
namespace {

using On = DependencyCondition;

ServiceProgress absent() {
  return {};
}
ServiceProgress created() {
  return {.exists = true};
}
ServiceProgress available() {
  return {.exists = true, .ready = true};
}
ServiceProgress completed() {
  return {.exists = true, .ready = true, .completed = true};
}

StartDecision decide(const Dependency& dependency, const ServiceProgress& state) {
  const std::vector<ServiceNode> nodes = {{"web", {dependency}}, {dependency.name, {}}};
  return planStartup(nodes, {{dependency.name, state}})[0];
}

TEST(stack_status_StartupOrder, ServiceWithoutDependenciesMayApply) {
  const auto decisions = planStartup({{"web", {}}}, {});
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_TRUE(decisions[0].mayApply);
  EXPECT_EQ(decisions[0].waitingFor, "");
}

TEST(stack_status_StartupOrder, ServiceHealthyWaitsUntilTheDependencyIsReady) {
  const Dependency db{"db", On::kHealthy};
  EXPECT_EQ(decide(db, absent()).waitingFor, "db to be healthy");
  EXPECT_FALSE(decide(db, created()).mayApply);
  EXPECT_EQ(decide(db, created()).waitingFor, "db to be healthy");
  EXPECT_TRUE(decide(db, available()).mayApply);
  EXPECT_EQ(decide(db, available()).waitingFor, "");
}

TEST(stack_status_StartupOrder, ServiceCompletedSuccessfullyWaitsForTheJobToComplete) {
  const Dependency migrate{"migrate", On::kCompletedSuccessfully};
  EXPECT_FALSE(decide(migrate, created()).mayApply);
  EXPECT_EQ(decide(migrate, {.exists = true, .ready = true}).waitingFor,
            "migrate to complete successfully");
  EXPECT_TRUE(decide(migrate, completed()).mayApply);
}

TEST(stack_status_StartupOrder, ServiceStartedWaitsOnlyForTheWorkloadToExist) {
  const Dependency cache{"cache", On::kStarted};
  EXPECT_FALSE(decide(cache, absent()).mayApply);
  EXPECT_EQ(decide(cache, absent()).waitingFor, "cache to start");
  EXPECT_TRUE(decide(cache, created()).mayApply);
}

TEST(stack_status_StartupOrder, ExistingServiceStaysAppliedWhenADependencyTurnsUnhealthy) {
  const std::vector<ServiceNode> nodes = {{"web", {{"db", On::kHealthy}}}, {"db", {}}};
  const auto decisions = planStartup(nodes, {{"web", created()}, {"db", created()}});
  EXPECT_TRUE(decisions[0].mayApply);
  EXPECT_EQ(decisions[0].waitingFor, "");
}

TEST(stack_status_StartupOrder, OptionalDependencyNeverBlocks) {
  const Dependency db{"db", On::kHealthy, /*required=*/false};
  EXPECT_TRUE(decide(db, absent()).mayApply);
  EXPECT_EQ(decide(db, absent()).waitingFor, "");
}

TEST(stack_status_StartupOrder, DependencyOutsideTheStackIsIgnored) {
  // A service switched off by profiles: not among the nodes.
  const std::vector<ServiceNode> nodes = {
      {"web", {{"debug", On::kHealthy, false}, {"metrics", On::kStarted}}}};
  const auto decisions = planStartup(nodes, {});
  EXPECT_TRUE(decisions[0].mayApply);
}

TEST(stack_status_StartupOrder, WaitingForListsEveryUnmetDependencySortedOnce) {
  const std::vector<ServiceNode> nodes = {{"web",
                                           {{"zookeeper", On::kHealthy},
                                            {"cache", On::kStarted},
                                            {"migrate", On::kCompletedSuccessfully},
                                            {"cache", On::kStarted},
                                            {"ready", On::kHealthy}}},
                                          {"zookeeper", {}},
                                          {"cache", {}},
                                          {"migrate", {}},
                                          {"ready", {}}};
  const auto decisions = planStartup(nodes, {{"migrate", created()}, {"ready", available()}});
  EXPECT_FALSE(decisions[0].mayApply);
  EXPECT_EQ(decisions[0].waitingFor,
            "cache to start, migrate to complete successfully, zookeeper to be healthy");
}

TEST(stack_status_StartupOrder, DecisionsFollowTheOrderOfNodesAlongAChain) {
  // proxy -> web (healthy) -> db (healthy): from nothing, only db may start.
  const std::vector<ServiceNode> nodes = {
      {"proxy", {{"web", On::kHealthy}}}, {"web", {{"db", On::kHealthy}}}, {"db", {}}};
  auto decisions = planStartup(nodes, {});
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_FALSE(decisions[0].mayApply);
  EXPECT_EQ(decisions[0].waitingFor, "web to be healthy");
  EXPECT_FALSE(decisions[1].mayApply);
  EXPECT_EQ(decisions[1].waitingFor, "db to be healthy");
  EXPECT_TRUE(decisions[2].mayApply);

  decisions = planStartup(nodes, {{"db", available()}});
  EXPECT_FALSE(decisions[0].mayApply);
  EXPECT_TRUE(decisions[1].mayApply);
  EXPECT_TRUE(decisions[2].mayApply);
}

}  // namespace
}  // namespace cop::stack
