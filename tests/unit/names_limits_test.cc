// Issue 6, class 6: names, labels and sizes that Kubernetes accepts. Every generated name goes
// through one registry (collisions are errors), two sources are never mounted as one,
// reserved keys are refused, int32 fields stay in range, annotations stay under 256 KiB,
// requests stay at most limits, and port numbers are range-checked before narrowing.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/translate/names.h"
#include "operator/translate/translator.h"
#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using testing::convertText;
using testing::findObject;
using ::testing::HasSubstr;

std::vector<Object> convertOk(const std::string& compose, Warnings* warningsOut = nullptr) {
  auto result = convertText(compose);
  EXPECT_TRUE(result.objects) << result.objects.error().format();
  if (warningsOut != nullptr) {
    *warningsOut = result.warnings;
  }
  return result.objects ? *result.objects : std::vector<Object>{};
}

Error convertError(const std::string& compose) {
  auto result = convertText(compose);
  EXPECT_FALSE(result.objects) << "expected an error";
  return result.objects ? Error{} : result.objects.error();
}

Object container(const std::vector<Object>& objects, const std::string& name) {
  const Object workload = findObject(objects, "Deployment", name);
  EXPECT_FALSE(workload.is_null()) << "no Deployment " << name;
  return workload.is_null() ? Object::object()
                            : workload["spec"]["template"]["spec"]["containers"][0];
}

// --- reserved keys ---------------------------------------------------------------------

struct ReservedCase {
  std::string name;
  std::string serviceYaml;  // under services.web, after the image
  std::string key;
  std::string path;
  int line;
};

class ReservedKeyTest : public ::testing::TestWithParam<ReservedCase> {};

TEST_P(ReservedKeyTest, IsAnErrorNamingFileLineAndPath) {
  const ReservedCase& c = GetParam();
  const Error error = convertError("services:\n  web:\n    image: x\n" + c.serviceYaml);
  EXPECT_THAT(error.message, HasSubstr(c.key));
  EXPECT_THAT(error.message, HasSubstr("reserved"));
  EXPECT_EQ(error.path, c.path);
  EXPECT_EQ(error.file, "compose.yaml");
  EXPECT_EQ(error.line, c.line);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ReservedKeyTest,
    ::testing::Values(
        ReservedCase{"stack_label", "    labels:\n      compose.operator.dev/stack: spoof\n",
                     "compose.operator.dev/stack", "services.web.labels", 5},
        ReservedCase{"network_subdomain",
                     "    labels:\n      net.compose.operator.dev/backend: 'true'\n",
                     "net.compose.operator.dev/backend", "services.web.labels", 5},
        ReservedCase{"instance", "    labels: {app.kubernetes.io/instance: mine}\n",
                     "app.kubernetes.io/instance", "services.web.labels", 4},
        ReservedCase{"managed_by", "    labels: [app.kubernetes.io/managed-by=helm]\n",
                     "app.kubernetes.io/managed-by", "services.web.labels", 4},
        ReservedCase{"deploy_label",
                     "    deploy:\n      labels: {compose.operator.dev/retain: 'false'}\n",
                     "compose.operator.dev/retain", "services.web.deploy.labels", 5},
        ReservedCase{"annotation",
                     "    annotations:\n      compose.operator.dev/depends-on: '[]'\n",
                     "compose.operator.dev/depends-on", "services.web.annotations", 5},
        ReservedCase{"annotation_subdomain", "    annotations: {x.net.compose.operator.dev/a: b}\n",
                     "x.net.compose.operator.dev/a", "services.web.annotations", 4},
        ReservedCase{"instance_annotation", "    annotations: {app.kubernetes.io/instance: a}\n",
                     "app.kubernetes.io/instance", "services.web.annotations", 4}),
    [](const auto& info) { return info.param.name; });

TEST(NamesLimitsTest, ReservedKeysAreMatchedByDomainNotBySubstring) {
  EXPECT_TRUE(isReservedKey("compose.operator.dev/x"));
  EXPECT_TRUE(isReservedKey("a.b.compose.operator.dev/x"));
  EXPECT_TRUE(isReservedKey("Compose.Operator.Dev/x"));
  EXPECT_FALSE(isReservedKey("xcompose.operator.dev/x"));
  EXPECT_FALSE(isReservedKey("compose.operator.dev.example.com/x"));
  EXPECT_FALSE(isReservedKey("app.kubernetes.io/version"));
  EXPECT_FALSE(isReservedKey("compose.operator.dev"));  // no prefix: a plain name
}

TEST(NamesLimitsTest, RecommendedAppLabelsOfTheUsersAppStayLabels) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    labels:\n      app.kubernetes.io/version: '1.2'\n"
      "      app.kubernetes.io/component: frontend\n");
  const Object labels = findObject(objects, "Deployment", "web")["metadata"]["labels"];
  EXPECT_EQ(labels["app.kubernetes.io/version"], "1.2");
  EXPECT_EQ(labels["app.kubernetes.io/component"], "frontend");
}

// --- one registry for every name -------------------------------------------------------

TEST(NamesLimitsTest, NetworkPolicyNamesCollideAsAnErrorNamingBoth) {
  // Service "net-x" publishes a port (policy demo-net-x-published); network "x-published"
  // has the policy demo-net-x-published too.
  const Error error = convertError(
      "services:\n  net-x:\n    image: x\n    ports: ['80:80']\n"
      "  other:\n    image: x\n    networks: [x-published]\n"
      "networks:\n  x-published: {}\n");
  EXPECT_THAT(error.message, HasSubstr("NetworkPolicy"));
  EXPECT_THAT(error.message, HasSubstr("demo-net-x-published"));
  EXPECT_THAT(error.message, HasSubstr("network 'x-published'"));
  EXPECT_THAT(error.message, HasSubstr("service 'net-x'"));
  EXPECT_EQ(error.file, "compose.yaml");
}

TEST(NamesLimitsTest, TwoClaimsAreNeverMountedAsOne) {
  // a_b and a.b both become the pod volume name data-a-b; they are different claims.
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    volumes: ['a_b:/one', 'a.b:/two']\n"
      "volumes:\n  a_b: {external: true, name: claim-one}\n"
      "  a.b: {external: true, name: claim-two}\n");
  const Object spec = findObject(objects, "Deployment", "web")["spec"]["template"]["spec"];
  std::map<std::string, std::string> claimOfVolume;
  for (const auto& volume : spec["volumes"]) {
    if (volume.contains("persistentVolumeClaim")) {
      claimOfVolume[volume["name"]] = volume["persistentVolumeClaim"]["claimName"];
    }
  }
  ASSERT_EQ(claimOfVolume.size(), 2u);
  std::map<std::string, std::string> claimAtPath;
  for (const auto& mount : spec["containers"][0]["volumeMounts"]) {
    if (claimOfVolume.contains(mount["name"])) {
      claimAtPath[mount["mountPath"]] = claimOfVolume[mount["name"]];
    }
  }
  EXPECT_EQ(claimAtPath["/one"], "claim-one");
  EXPECT_EQ(claimAtPath["/two"], "claim-two");
}

TEST(NamesLimitsTest, OneSourceMountedTwiceSharesOnePodVolume) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    volumes:\n"
      "      - {type: volume, source: data, target: /a, volume: {subpath: a}}\n"
      "      - {type: volume, source: data, target: /b, volume: {subpath: b}}\n"
      "volumes:\n  data: {}\n");
  const Object spec = findObject(objects, "Deployment", "web")["spec"]["template"]["spec"];
  int claims = 0;
  for (const auto& volume : spec["volumes"]) {
    claims += volume.contains("persistentVolumeClaim") ? 1 : 0;
  }
  EXPECT_EQ(claims, 1);
}

TEST(NamesLimitsTest, AConfigMountedAtTwoTargetsKeepsBothFiles) {
  // Each target has its own item; sharing the first pod volume would leave the second
  // mount's subPath pointing at nothing.
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    configs:\n"
      "      - {source: app, target: /etc/a.conf}\n      - {source: app, target: /etc/b.conf}\n"
      "configs:\n  app: {content: hello}\n");
  const Object spec = findObject(objects, "Deployment", "web")["spec"]["template"]["spec"];
  std::map<std::string, std::string> itemPathOfVolume;
  for (const auto& volume : spec["volumes"]) {
    if (volume.contains("configMap")) {
      itemPathOfVolume[volume["name"]] = volume["configMap"]["items"][0]["path"];
    }
  }
  ASSERT_EQ(itemPathOfVolume.size(), 2u);
  for (const auto& mount : spec["containers"][0]["volumeMounts"]) {
    if (itemPathOfVolume.contains(mount["name"])) {
      EXPECT_EQ(itemPathOfVolume[mount["name"]], mount["subPath"]) << mount.dump();
    }
  }
}

// --- every object's metadata is checked before output ----------------------------------

TEST(NamesLimitsTest, ObjectMetadataChecksNamesLabelsAndAnnotationSize) {
  Object ok = Object{{"kind", "Service"},
                     {"metadata", Object{{"name", "web"}, {"labels", Object{{"a", "b"}}}}},
                     {"spec", Object::object()}};
  EXPECT_TRUE(checkObjectMetadata(ok));

  Object badName = ok;
  badName["metadata"]["name"] = "Web_1";
  EXPECT_FALSE(checkObjectMetadata(badName));

  Object badLabel = ok;
  badLabel["metadata"]["labels"]["a"] = "not a label value";
  EXPECT_FALSE(checkObjectMetadata(badLabel));

  Object badTemplateLabel = ok;
  badTemplateLabel["spec"]["template"]["metadata"]["labels"] = Object{{"k", std::string(64, 'v')}};
  EXPECT_FALSE(checkObjectMetadata(badTemplateLabel));

  Object badSelector = ok;
  badSelector["spec"]["podSelector"]["matchLabels"] = Object{{"-bad", "x"}};
  EXPECT_FALSE(checkObjectMetadata(badSelector));

  Object atLimit = ok;
  atLimit["metadata"]["annotations"] =
      Object{{"k", std::string(kMaxAnnotationBytes - 1, 'x')}};  // 1 + (limit - 1)
  EXPECT_TRUE(checkObjectMetadata(atLimit));
  Object overLimit = ok;
  overLimit["metadata"]["annotations"] = Object{{"k", std::string(kMaxAnnotationBytes, 'x')}};
  EXPECT_FALSE(checkObjectMetadata(overLimit));
}

TEST(NamesLimitsTest, AnnotationsOver256KiBAreAnErrorNamingTheService) {
  // Label values that are not valid label values become annotations; five of 60 KiB are more
  // than Kubernetes takes on one object.
  std::string compose = "services:\n  web:\n    image: x\n    labels:\n";
  for (int i = 0; i < 5; ++i) {
    compose +=
        "      example.com/l" + std::to_string(i) + ": '" + std::string(60 * 1024, ' ') + "x'\n";
  }
  const Error error = convertError(compose);
  EXPECT_THAT(error.message, HasSubstr("annotations"));
  EXPECT_THAT(error.message, HasSubstr("'web'"));
  EXPECT_EQ(error.file, "compose.yaml");
  EXPECT_EQ(error.line, 3);
}

// --- int32 fields ----------------------------------------------------------------------

TEST(NamesLimitsTest, ProbeSecondsBeyondInt32AreErrors) {
  const Error interval = convertError(
      "services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n"
      "      interval: 1000000h\n");
  EXPECT_THAT(interval.message, HasSubstr("interval"));
  EXPECT_EQ(interval.path, "services.web.healthcheck");

  const Error timeout = convertError(
      "services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n"
      "      timeout: 1000000h\n");
  EXPECT_THAT(timeout.message, HasSubstr("timeout"));

  // start_period / start_interval attempts: 2^31 seconds of start period at 1 s.
  const Error startup = convertError(
      "services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n"
      "      start_period: 600000h\n      start_interval: 1s\n");
  EXPECT_THAT(startup.message, HasSubstr("failureThreshold"));

  const Error startInterval = convertError(
      "services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n"
      "      start_period: 1s\n      start_interval: 1000000h\n");
  EXPECT_THAT(startInterval.message, HasSubstr("start_interval"));

  // Just inside the limit still converts.
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    healthcheck:\n      test: [CMD, 'true']\n"
      "      interval: 596523h\n");
  EXPECT_EQ(container(objects, "web")["livenessProbe"]["periodSeconds"], 596523LL * 3600);
}

// --- requests and limits ---------------------------------------------------------------

TEST(NamesLimitsTest, ComposeZeroMeansUnlimitedAndGetsTheDefaultLimitWithAWarning) {
  Warnings warnings;
  auto objects = convertOk(
      "services:\n  a:\n    image: x\n    mem_limit: 0\n    cpus: 0\n"
      "  b:\n    image: x\n    deploy: {resources: {limits: {memory: '0', cpus: '0'}}}\n",
      &warnings);
  for (const std::string name : {"a", "b"}) {
    const Object resources = container(objects, name)["resources"];
    EXPECT_EQ(resources["limits"]["memory"], "512Mi") << name;
    EXPECT_EQ(resources["limits"]["cpu"], "500m") << name;
    EXPECT_EQ(resources["requests"]["memory"], "128Mi") << name;
  }
  const std::string text = testing::joinWarnings(warnings);
  EXPECT_THAT(text, HasSubstr("services.a.mem_limit: 0 means unlimited"));
  EXPECT_THAT(text, HasSubstr("services.a.cpus: 0 means unlimited"));
  EXPECT_THAT(text, HasSubstr("services.b.deploy.resources.limits.memory: 0 means unlimited"));
}

TEST(NamesLimitsTest, AReservationAboveItsLimitIsAnError) {
  const Error memory = convertError(
      "services:\n  web:\n    image: x\n    deploy:\n      resources:\n"
      "        limits: {memory: 256m}\n        reservations: {memory: 1g}\n");
  EXPECT_THAT(memory.message, HasSubstr("memory reservation 1Gi is above the memory limit 256Mi"));
  EXPECT_EQ(memory.path, "services.web.deploy.resources.reservations.memory");
  EXPECT_EQ(memory.line, 5);

  const Error cpu = convertError(
      "services:\n  web:\n    image: x\n    cpus: 0.5\n    deploy:\n      resources:\n"
      "        reservations: {cpus: '2'}\n");
  EXPECT_THAT(cpu.message, HasSubstr("CPU reservation 2 is above the CPU limit 500m"));
}

TEST(NamesLimitsTest, DefaultsNeverExceedALimitOrFallBelowAReservation) {
  auto objects = convertOk(
      "services:\n  small:\n    image: x\n    mem_limit: 64m\n    cpus: 0.05\n"
      "  big:\n    image: x\n    mem_reservation: 2g\n");
  const Object small = container(objects, "small")["resources"];
  EXPECT_EQ(small["requests"]["memory"], "64Mi");
  EXPECT_EQ(small["requests"]["cpu"], "50m");
  const Object big = container(objects, "big")["resources"];
  EXPECT_EQ(big["limits"]["memory"], "2Gi");
  EXPECT_EQ(big["requests"]["memory"], "2Gi");
}

// --- ports are range-checked before narrowing -------------------------------------------

TEST(NamesLimitsTest, PortNumbersThatWouldWrapToSixteenBitsAreRefused) {
  // 65616 = 65536 + 80 and 4294967376 = 2^32 + 80: neither may become port 80.
  for (const std::string port : {"'65616:80'", "'4294967376:80'", "'80:4294967376'", "'4294967376'",
                                 "{target: 80, published: '65616'}", "{target: 4294967376}"}) {
    auto result =
        convertText("services:\n  web:\n    image: x\n    ports:\n      - " + port + "\n");
    EXPECT_FALSE(result.objects) << port;
    if (!result.objects) {
      EXPECT_THAT(result.objects.error().path, HasSubstr("services.web.ports")) << port;
    }
  }
  auto expose = convertText("services:\n  web:\n    image: x\n    expose: ['4294967376']\n");
  EXPECT_FALSE(expose.objects);
}

}  // namespace
}  // namespace cop::translate
