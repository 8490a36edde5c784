// The translate stage: mapping, hardening, rejections, names, warnings, determinism.

#include "operator/translate/translator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/emit/writers.h"
#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using testing::convertText;
using testing::findObject;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<Object> convertOk(const std::string& compose, TranslateOptions options = {},
                              std::map<std::string, std::string> files = {}) {
  auto result = convertText(compose, options, std::move(files));
  EXPECT_TRUE(result.objects) << result.objects.error().format();
  return result.objects ? *result.objects : std::vector<Object>{};
}

Error convertError(const std::string& compose, TranslateOptions options = {}) {
  auto result = convertText(compose, options);
  EXPECT_FALSE(result.objects) << "expected an error";
  return result.objects ? Error{} : result.objects.error();
}

// By value: callers pass temporaries from findObject.
Object podSpec(const Object& workload) {
  EXPECT_FALSE(workload.is_null()) << "no such workload";
  if (workload.is_null()) {
    return Object::object();
  }
  return workload["spec"]["template"]["spec"];
}

TEST(TranslatorTest, HardensEveryPodByDefault) {
  auto objects = convertOk("services:\n  web:\n    image: nginx:1.25\n");
  const Object deployment = findObject(objects, "Deployment", "web");
  ASSERT_FALSE(deployment.is_null());
  const Object spec = podSpec(deployment);
  EXPECT_EQ(spec["securityContext"]["runAsNonRoot"], true);
  EXPECT_EQ(spec["securityContext"]["runAsUser"], 1001);
  EXPECT_EQ(spec["securityContext"]["fsGroup"], 1001);
  EXPECT_EQ(spec["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  EXPECT_EQ(spec["automountServiceAccountToken"], false);
  EXPECT_EQ(spec["serviceAccountName"], "demo");
  const Object& container = spec["containers"][0];
  EXPECT_EQ(container["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_EQ(container["securityContext"]["capabilities"]["drop"], Object::array({"ALL"}));
  EXPECT_EQ(container["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(container["resources"]["limits"]["cpu"], "500m");
  EXPECT_EQ(container["resources"]["requests"]["memory"], "128Mi");
  bool tmp = false;
  for (const auto& mount : container["volumeMounts"]) {
    tmp = tmp || mount["mountPath"] == "/tmp";
  }
  EXPECT_TRUE(tmp);
  EXPECT_FALSE(findObject(objects, "ServiceAccount", "demo").is_null());
}

TEST(TranslatorTest, ACrashLeavesItsLastLogLinesAsTheTerminationMessage) {
  auto objects = convertOk(
      "services:\n  web:\n    image: nginx:1.25\n  once:\n    image: busybox:1.36\n"
      "    restart: \"no\"\n");
  for (const auto& [kind, name] : {std::pair{"Deployment", "web"}, std::pair{"Job", "once"}}) {
    EXPECT_EQ(podSpec(findObject(objects, kind, name))["containers"][0]["terminationMessagePolicy"],
              "FallbackToLogsOnError")
        << kind;
  }
}

TEST(TranslatorTest, NumericUserAndReadOnlyOptOut) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    user: '1000:2000'\n    read_only: false\n"
      "    cap_add: [NET_BIND_SERVICE]\n");
  const Object spec = podSpec(findObject(objects, "Deployment", "web"));
  EXPECT_EQ(spec["securityContext"]["runAsUser"], 1000);
  EXPECT_EQ(spec["securityContext"]["runAsGroup"], 2000);
  EXPECT_EQ(spec["containers"][0]["securityContext"]["readOnlyRootFilesystem"], false);
  EXPECT_EQ(spec["containers"][0]["securityContext"]["capabilities"]["add"],
            Object::array({"NET_BIND_SERVICE"}));
}

struct Forbidden {
  std::string name;
  std::string serviceYaml;
  std::string path;
  std::string message;
};

void PrintTo(const Forbidden& forbidden, std::ostream* out) {
  *out << forbidden.name;
}

class ForbiddenTest : public ::testing::TestWithParam<Forbidden> {};

TEST_P(ForbiddenTest, IsRejectedWithItsField) {
  const Error error = convertError("services:\n  tool:\n    image: x\n" + GetParam().serviceYaml);
  EXPECT_EQ(error.path, GetParam().path);
  EXPECT_THAT(error.message, HasSubstr(GetParam().message));
  EXPECT_EQ(error.file, "compose.yaml");
  EXPECT_EQ(error.line, 4);
}

INSTANTIATE_TEST_SUITE_P(
    Hardening, ForbiddenTest,
    ::testing::Values(
        Forbidden{"Privileged", "    privileged: true\n", "services.tool.privileged", "privileged"},
        Forbidden{"HostNetwork", "    network_mode: host\n", "services.tool.network_mode",
                  "host is not allowed"},
        Forbidden{"HostPid", "    pid: host\n", "services.tool.pid", "host is not allowed"},
        Forbidden{"HostIpc", "    ipc: host\n", "services.tool.ipc", "host is not allowed"},
        Forbidden{"Devices", "    devices: ['/dev/fuse:/dev/fuse']\n", "services.tool.devices",
                  "devices"},
        Forbidden{"HostPath", "    volumes: ['/var/run/docker.sock:/var/run/docker.sock']\n",
                  "services.tool.volumes[0]", "hostPath volumes are forbidden"},
        Forbidden{"Root", "    user: root\n", "services.tool.user", "running as root"},
        Forbidden{"UidZero", "    user: '0:0'\n", "services.tool.user", "running as root"},
        Forbidden{"Unconfined", "    security_opt: ['seccomp:unconfined']\n",
                  "services.tool.security_opt", "confined"},
        Forbidden{"AppArmorUnconfined", "    security_opt: ['apparmor=unconfined']\n",
                  "services.tool.security_opt", "confined"},
        Forbidden{"SysAdmin", "    cap_add: [SYS_ADMIN]\n", "services.tool.cap_add",
                  "SYS_ADMIN is not allowed"},
        Forbidden{"UnsafeSysctl", "    sysctls: {kernel.msgmax: '65536'}\n",
                  "services.tool.sysctls", "safe set"},
        // `other` exists, so what fails is the rule itself, not an undefined reference.
        Forbidden{"SharedNetwork", "    network_mode: 'service:other'\n  other:\n    image: x\n",
                  "services.tool.network_mode", "sharing another container's network"},
        Forbidden{"SharedContainerNetwork", "    network_mode: 'container:abc123'\n",
                  "services.tool.network_mode", "sharing another container's network"}),
    [](const auto& info) { return info.param.name; });

TEST(TranslatorTest, BaselineAllowsRootAndBaselineCapabilities) {
  TranslateOptions options;
  options.profile = SecurityProfile::kBaseline;
  auto objects = convertOk(
      "services:\n  db:\n    image: postgres\n    user: root\n    cap_add: [CHOWN]\n", options);
  const Object spec = podSpec(findObject(objects, "Deployment", "db"));
  EXPECT_EQ(spec["securityContext"]["runAsUser"], 0);
  EXPECT_FALSE(spec["securityContext"].contains("runAsNonRoot"));
  EXPECT_EQ(spec["containers"][0]["securityContext"]["capabilities"]["add"],
            Object::array({"CHOWN"}));
  // Still no privileged mode, host namespaces or dangerous capabilities.
  EXPECT_THAT(
      convertError("services:\n  db:\n    image: x\n    privileged: true\n", options).message,
      HasSubstr("privileged"));
  EXPECT_THAT(
      convertError("services:\n  db:\n    image: x\n    cap_add: [SYS_ADMIN]\n", options).message,
      HasSubstr("baseline"));
  // Without a user, baseline keeps the image's user.
  auto plain = convertOk("services:\n  web:\n    image: nginx\n", options);
  EXPECT_FALSE(
      podSpec(findObject(plain, "Deployment", "web"))["securityContext"].contains("runAsUser"));
}

TEST(TranslatorTest, WorkloadKinds) {
  auto objects = convertOk(
      "services:\n"
      "  web:\n    image: x\n"
      "  agent:\n    image: x\n    deploy: {mode: global}\n"
      "  migrate:\n    image: x\n    restart: 'no'\n"
      "  retry:\n    image: x\n    restart: on-failure:4\n"
      "  swarm:\n    image: x\n    deploy:\n      restart_policy: {condition: on-failure, "
      "max_attempts: 2}\n"
      "  forced:\n    image: x\n    labels: {kompose.controller.type: statefulset}\n");
  EXPECT_FALSE(findObject(objects, "Deployment", "web").is_null());
  EXPECT_FALSE(findObject(objects, "DaemonSet", "agent").is_null());
  const Object migrate = findObject(objects, "Job", "migrate");
  ASSERT_FALSE(migrate.is_null());
  EXPECT_EQ(migrate["spec"]["backoffLimit"], 0);
  EXPECT_EQ(migrate["spec"]["template"]["spec"]["restartPolicy"], "Never");
  const Object retry = findObject(objects, "Job", "retry");
  EXPECT_EQ(retry["spec"]["backoffLimit"], 4);
  EXPECT_EQ(retry["spec"]["template"]["spec"]["restartPolicy"], "OnFailure");
  EXPECT_EQ(findObject(objects, "Job", "swarm")["spec"]["backoffLimit"], 2);
  const Object forced = findObject(objects, "StatefulSet", "forced");
  ASSERT_FALSE(forced.is_null());
  EXPECT_EQ(forced["spec"]["serviceName"], "forced");
  // Every service, Jobs included, gets a Service for DNS.
  EXPECT_FALSE(findObject(objects, "Service", "migrate").is_null());
}

TEST(TranslatorTest, ServicesForDnsPortsAndAliases) {
  auto objects = convertOk(
      "services:\n"
      "  web:\n    image: x\n    ports: ['8080:80', '53:53/udp']\n    expose: ['9000']\n"
      "    networks:\n      front:\n        aliases: [www]\n"
      "  worker:\n    image: x\n"
      "networks:\n  front:\n");
  const Object web = findObject(objects, "Service", "web");
  ASSERT_EQ(web["spec"]["ports"].size(), 3u);
  EXPECT_EQ(web["spec"]["ports"][0]["port"], 8080);
  EXPECT_EQ(web["spec"]["ports"][0]["targetPort"], 80);
  EXPECT_EQ(web["spec"]["ports"][1]["protocol"], "UDP");
  EXPECT_EQ(web["spec"]["ports"][2]["port"], 9000);
  EXPECT_EQ(web["spec"]["type"], "ClusterIP");
  const Object worker = findObject(objects, "Service", "worker");
  EXPECT_EQ(worker["spec"]["clusterIP"], "None");  // headless: still resolvable
  EXPECT_FALSE(worker["spec"].contains("ports"));
  const Object alias = findObject(objects, "Service", "www");
  ASSERT_FALSE(alias.is_null());
  EXPECT_EQ(alias["spec"]["selector"], web["spec"]["selector"]);
}

TEST(TranslatorTest, VolumesClaimsTmpfsAndStrategy) {
  auto objects = convertOk(
      "services:\n"
      "  db:\n    image: x\n    volumes: ['data:/var/lib/data', 'cache:/cache:ro']\n    tmpfs: "
      "['/run:size=64m']\n"
      "volumes:\n"
      "  data:\n    labels: {kompose.volume.size: 5Gi}\n"
      "  cache:\n    x-kubernetes: {size: 2Gi, storageClassName: fast}\n");
  const Object data = findObject(objects, "PersistentVolumeClaim", "demo-data");
  ASSERT_FALSE(data.is_null());
  EXPECT_EQ(data["spec"]["resources"]["requests"]["storage"], "5Gi");
  EXPECT_EQ(data["spec"]["accessModes"], Object::array({"ReadWriteOnce"}));
  const Object cache = findObject(objects, "PersistentVolumeClaim", "demo-cache");
  EXPECT_EQ(cache["spec"]["storageClassName"], "fast");
  const Object deployment = findObject(objects, "Deployment", "db");
  EXPECT_EQ(deployment["spec"]["strategy"]["type"], "Recreate");
  const Object spec = podSpec(deployment);
  bool memoryDir = false;
  for (const auto& volume : spec["volumes"]) {
    if (volume.contains("emptyDir") && volume["emptyDir"].value("medium", "") == "Memory") {
      memoryDir = volume["emptyDir"]["sizeLimit"] == "64Mi";
    }
  }
  EXPECT_TRUE(memoryDir);
  auto plain = convertOk("services:\n  a:\n    image: x\n    volumes: ['v:/v']\nvolumes:\n  v:\n");
  EXPECT_EQ(findObject(plain, "PersistentVolumeClaim",
                       "demo-v")["spec"]["resources"]["requests"]["storage"],
            "1Gi");
}

TEST(TranslatorTest, BindMountedFileBecomesAConfigMap) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro']\n",
      {}, {{"nginx.conf", "events {}\n"}});
  bool found = false;
  for (const auto& object : objects) {
    if (object["kind"] == "ConfigMap" && object["data"].contains("nginx.conf")) {
      found = object["data"]["nginx.conf"] == "events {}\n";
    }
  }
  EXPECT_TRUE(found);
  auto missing =
      convertText("services:\n  web:\n    image: x\n    volumes: ['./conf:/etc/conf']\n");
  ASSERT_FALSE(missing.objects);
  EXPECT_THAT(missing.objects.error().message, HasSubstr("does not exist"));
  TranslateOptions operatorMode;
  operatorMode.allowBindFiles = false;
  auto refused = convertText("services:\n  web:\n    image: x\n    volumes: ['./f:/f']\n",
                             operatorMode, {{"f", "x"}});
  ASSERT_FALSE(refused.objects);
  EXPECT_THAT(refused.objects.error().message, HasSubstr("bind mounts are not supported"));
}

TEST(TranslatorTest, SecretValuesStayInSecrets) {
  const std::string secretValue = "hunter2-very-secret";
  load::LoadOptions loadOptions;
  loadOptions.environment = {{"API_TOKEN", "tok-" + secretValue}};
  auto converted = convertText(
      "services:\n  web:\n    image: x\n    secrets: [db_password, {source: cert, target: "
      "/etc/ssl/key.pem, mode: 0440}]\n"
      "    environment:\n      DB_PASSWORD: " +
          secretValue +
          "\n      API_TOKEN:\n      PLAIN: visible\n"
          "      DB_PASSWORD_FILE: /run/secrets/db_password\n"
          "secrets:\n  db_password:\n    file: ./pw.txt\n  cert:\n    file: ./key.pem\n",
      {}, {{"pw.txt", secretValue}, {"key.pem", "KEY-" + secretValue}}, loadOptions);
  ASSERT_TRUE(converted.objects) << converted.objects.error().format();
  const auto& objects = *converted.objects;
  for (const auto& object : objects) {
    if (object["kind"] == "Secret") {
      continue;
    }
    EXPECT_THAT(object.dump(), Not(HasSubstr(secretValue)))
        << object["kind"] << " " << object["metadata"]["name"];
  }
  EXPECT_THAT(testing::joinWarnings(converted.warnings), Not(HasSubstr(secretValue)));
  const Object container = podSpec(findObject(objects, "Deployment", "web"))["containers"][0];
  std::map<std::string, Object> env;
  for (const auto& entry : container["env"]) {
    env[entry["name"]] = entry;
  }
  EXPECT_TRUE(env["DB_PASSWORD"].contains("valueFrom"));
  EXPECT_TRUE(env["API_TOKEN"].contains("valueFrom"));
  EXPECT_EQ(env["PLAIN"]["value"], "visible");
  EXPECT_EQ(env["DB_PASSWORD_FILE"]["value"], "/run/secrets/db_password");
  const Object secret = findObject(objects, "Secret", "demo-db-password");
  EXPECT_EQ(secret["data"]["db_password"], "aHVudGVyMi12ZXJ5LXNlY3JldA==");
  bool runSecrets = false;
  bool absolute = false;
  for (const auto& mount : container["volumeMounts"]) {
    runSecrets = runSecrets || (mount["mountPath"] == "/run/secrets" && mount["readOnly"] == true);
    absolute =
        absolute || (mount["mountPath"] == "/etc/ssl/key.pem" && mount["subPath"] == "key.pem");
  }
  EXPECT_TRUE(runSecrets);
  EXPECT_TRUE(absolute);
}

TEST(TranslatorTest, HealthchecksBecomeProbes) {
  auto objects = convertOk(
      "services:\n"
      "  shell:\n    image: x\n    healthcheck:\n      test: curl -f http://localhost/\n      "
      "interval: 10s\n"
      "      timeout: 2s\n      retries: 5\n      start_period: 30s\n"
      "  exec:\n    image: x\n    healthcheck: {test: [CMD, pg_isready, -U, app]}\n"
      "  off:\n    image: x\n    ports: ['80']\n    healthcheck: {disable: true}\n"
      "  tcp:\n    image: x\n    ports: ['8080:80']\n");
  const Object shell = podSpec(findObject(objects, "Deployment", "shell"))["containers"][0];
  EXPECT_EQ(shell["readinessProbe"]["exec"]["command"],
            Object::array({"/bin/sh", "-c", "curl -f http://localhost/"}));
  EXPECT_EQ(shell["readinessProbe"]["periodSeconds"], 10);
  EXPECT_EQ(shell["livenessProbe"]["timeoutSeconds"], 2);
  EXPECT_EQ(shell["livenessProbe"]["failureThreshold"], 5);
  EXPECT_EQ(shell["startupProbe"]["periodSeconds"], 5);
  EXPECT_EQ(shell["startupProbe"]["failureThreshold"], 6 + 5);
  const Object exec = podSpec(findObject(objects, "Deployment", "exec"))["containers"][0];
  EXPECT_EQ(exec["readinessProbe"]["exec"]["command"], Object::array({"pg_isready", "-U", "app"}));
  EXPECT_FALSE(exec.contains("startupProbe"));
  const Object off = podSpec(findObject(objects, "Deployment", "off"))["containers"][0];
  EXPECT_FALSE(off.contains("readinessProbe"));
  const Object tcp = podSpec(findObject(objects, "Deployment", "tcp"))["containers"][0];
  EXPECT_EQ(tcp["readinessProbe"]["tcpSocket"]["port"], 80);
  EXPECT_FALSE(tcp.contains("livenessProbe"));
}

TEST(TranslatorTest, ResourcesFromComposeAndDefaults) {
  auto objects = convertOk(
      "services:\n"
      "  small:\n    image: x\n    deploy:\n      resources:\n        limits: {cpus: '0.05', "
      "memory: 64M}\n"
      "  reserved:\n    image: x\n    deploy:\n      resources:\n        reservations: {cpus: '2', "
      "memory: 1g}\n"
      "  legacy:\n    image: x\n    cpus: 1.5\n    mem_limit: 768m\n");
  const Object small =
      podSpec(findObject(objects, "Deployment", "small"))["containers"][0]["resources"];
  EXPECT_EQ(small["limits"]["cpu"], "50m");
  EXPECT_EQ(small["requests"]["cpu"], "50m");  // a default request never exceeds the limit
  EXPECT_EQ(small["requests"]["memory"], "64Mi");
  const Object reserved =
      podSpec(findObject(objects, "Deployment", "reserved"))["containers"][0]["resources"];
  EXPECT_EQ(reserved["requests"]["cpu"], "2");
  EXPECT_EQ(reserved["limits"]["cpu"], "2");
  EXPECT_EQ(reserved["limits"]["memory"], "1Gi");
  const Object legacy =
      podSpec(findObject(objects, "Deployment", "legacy"))["containers"][0]["resources"];
  EXPECT_EQ(legacy["limits"]["cpu"], "1500m");
  EXPECT_EQ(legacy["limits"]["memory"], "768Mi");
}

TEST(TranslatorTest, NamesAreSanitisedDeterministicallyAndCollisionsFail) {
  auto objects = convertOk(
      "services:\n  My_Service:\n    image: x\n  worker.v2:\n    image: x\n"
      "  a-very-long-service-name-that-goes-on-and-on-well-past-sixty-three-characters:\n    "
      "image: x\n");
  EXPECT_FALSE(findObject(objects, "Deployment", "my-service").is_null());
  EXPECT_FALSE(findObject(objects, "Service", "worker-v2").is_null());
  std::string longName;
  for (const auto& object : objects) {
    const std::string name = object["metadata"]["name"];
    EXPECT_LE(name.size(), 63u) << name;
    if (object["kind"] == "Deployment" && name.starts_with("a-very-long")) {
      longName = name;
    }
  }
  EXPECT_EQ(longName.size(), 63u);
  EXPECT_EQ(
      findObject(objects, "Deployment",
                 "my-service")["metadata"]["annotations"]["compose.operator.dev/compose-name"],
      "My_Service");
  const Error collision =
      convertError("services:\n  my_app:\n    image: x\n  my-app:\n    image: x\n");
  EXPECT_THAT(collision.message, HasSubstr("both become"));
}

TEST(TranslatorTest, LabelsAnnotationsAndReservedKeys) {
  auto converted = convertText(
      "services:\n  web:\n    image: x\n    labels:\n      tier: frontend\n"
      "      com.example.description: Accounting webapp\n");
  ASSERT_TRUE(converted.objects);
  const Object deployment = findObject(*converted.objects, "Deployment", "web");
  EXPECT_EQ(deployment["metadata"]["labels"]["tier"], "frontend");
  EXPECT_EQ(deployment["metadata"]["annotations"]["com.example.description"], "Accounting webapp");
  for (const auto& object : *converted.objects) {
    EXPECT_FALSE(object["metadata"]["labels"].contains("app.kubernetes.io/instance"));
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "compose-operator");
    EXPECT_EQ(object["metadata"]["labels"]["app.kubernetes.io/part-of"], "demo");
    EXPECT_EQ(object["metadata"]["labels"]["compose.operator.dev/stack"], "demo");
  }
  // A compose file that sets a reserved key is refused: names_limits_test.cc.
}

TEST(TranslatorTest, DependsOnIsRecordedForOrdering) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    depends_on:\n      db: {condition: service_healthy}\n  "
      "    cache:\n"
      "  db:\n    image: x\n  cache:\n    image: x\n");
  const std::string annotation = findObject(
      objects, "Deployment", "web")["metadata"]["annotations"]["compose.operator.dev/depends-on"];
  const auto parsed = nlohmann::json::parse(annotation);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[0]["service"], "cache");
  EXPECT_EQ(parsed[0]["condition"], "service_started");
  EXPECT_EQ(parsed[1]["service"], "db");
  EXPECT_EQ(parsed[1]["condition"], "service_healthy");
}

TEST(TranslatorTest, NetworkPoliciesMirrorComposeNetworks) {
  auto objects = convertOk(
      "services:\n"
      "  web:\n    image: x\n    ports: ['80:8080']\n    networks: [front, back]\n"
      "  db:\n    image: x\n    networks: [back]\n"
      "networks:\n  front:\n  back:\n    internal: true\n");
  const Object deny = findObject(objects, "NetworkPolicy", "demo-default-deny");
  EXPECT_EQ(deny["spec"]["policyTypes"], Object::array({"Ingress", "Egress"}));
  EXPECT_FALSE(deny["spec"].contains("ingress"));
  const Object back = findObject(objects, "NetworkPolicy", "demo-net-back");
  EXPECT_EQ(back["spec"]["podSelector"]["matchLabels"]["net.compose.operator.dev/back"], "true");
  EXPECT_FALSE(findObject(objects, "NetworkPolicy", "demo-net-front").is_null());
  EXPECT_FALSE(findObject(objects, "NetworkPolicy", "demo-allow-dns").is_null());
  const Object published = findObject(objects, "NetworkPolicy", "demo-web-published");
  EXPECT_EQ(published["spec"]["ingress"][0]["ports"][0]["port"], 8080);
  EXPECT_FALSE(published["spec"]["ingress"][0].contains("from"));
  // db is only on an internal network: no egress outside the cluster.
  const Object dbLabels =
      findObject(objects, "Deployment", "db")["spec"]["template"]["metadata"]["labels"];
  EXPECT_FALSE(dbLabels.contains("compose.operator.dev/external-egress"));
  const Object webLabels =
      findObject(objects, "Deployment", "web")["spec"]["template"]["metadata"]["labels"];
  EXPECT_EQ(webLabels["compose.operator.dev/external-egress"], "true");
}

TEST(TranslatorTest, BuildOnlyServicesNeedAnImage) {
  const std::string compose = "services:\n  app:\n    build: ./app\n";
  const Error error = convertError(compose);
  EXPECT_EQ(error.path, "services.app.build");
  EXPECT_THAT(error.message, HasSubstr("--image app=REF"));
  TranslateOptions options;
  options.images = {{"app", "registry.example/app:1"}};
  auto objects = convertOk(compose, options);
  EXPECT_EQ(podSpec(findObject(objects, "Deployment", "app"))["containers"][0]["image"],
            "registry.example/app:1");
  options.images = {{"nope", "x"}};
  EXPECT_THAT(convertError(compose, options).message, HasSubstr("'nope'"));
}

TEST(TranslatorTest, CommandEntrypointAndPodFields) {
  auto objects = convertOk(
      "services:\n  web:\n    image: x\n    entrypoint: /bin/sh -c\n    command: [\"echo $$(date) "
      "$$HOME\"]\n"
      "    working_dir: /app\n    hostname: web1\n    stop_grace_period: 1m30s\n"
      "    extra_hosts: ['db.local:10.0.0.5', 'cache.local=10.0.0.5']\n"
      "    platform: linux/arm64/v8\n    pull_policy: always\n"
      "    deploy:\n      replicas: 3\n      update_config: {order: start-first, parallelism: 2}\n"
      "      placement:\n        constraints: ['node.labels.disk == ssd', 'node.hostname != "
      "n1']\n");
  const Object deployment = findObject(objects, "Deployment", "web");
  const Object spec = podSpec(deployment);
  const Object& container = spec["containers"][0];
  EXPECT_EQ(container["command"], Object::array({"/bin/sh", "-c"}));
  // Kubernetes expands $(VAR) in args; the compose text must arrive unchanged.
  EXPECT_EQ(container["args"], Object::array({"echo $$(date) $$HOME"}));
  EXPECT_EQ(container["workingDir"], "/app");
  EXPECT_EQ(container["imagePullPolicy"], "Always");
  EXPECT_EQ(spec["hostname"], "web1");
  EXPECT_EQ(spec["terminationGracePeriodSeconds"], 90);
  EXPECT_EQ(spec["hostAliases"][0]["hostnames"], Object::array({"db.local", "cache.local"}));
  EXPECT_EQ(spec["nodeSelector"]["kubernetes.io/arch"], "arm64");
  const Object& terms =
      spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
          ["nodeSelectorTerms"][0]["matchExpressions"];
  EXPECT_EQ(terms[0]["key"], "disk");
  EXPECT_EQ(terms[0]["operator"], "In");
  EXPECT_EQ(terms[1]["key"], "kubernetes.io/hostname");
  EXPECT_EQ(terms[1]["operator"], "NotIn");
  EXPECT_EQ(deployment["spec"]["replicas"], 3);
  EXPECT_EQ(deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"], 2);
  EXPECT_EQ(deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"], 0);
}

TEST(TranslatorTest, UnsupportedKeysWarnWithServiceAndKey) {
  auto converted = convertText(
      "services:\n  web:\n    image: x\n    logging: {driver: syslog}\n    ulimits: {nofile: "
      "1024}\n    init: true\n");
  ASSERT_TRUE(converted.objects);
  const std::string warnings = testing::joinWarnings(converted.warnings);
  EXPECT_THAT(warnings, HasSubstr("compose.yaml:4: services.web.logging: not carried over"));
  EXPECT_THAT(warnings, HasSubstr("services.web.ulimits"));
  EXPECT_THAT(warnings, HasSubstr("services.web.init"));
}

TEST(TranslatorTest, OutputIsDeterministicWhateverTheInputOrder) {
  const std::string a = "services:\n  b:\n    image: x\n    ports: ['1:1']\n  a:\n    image: y\n";
  const std::string b = "services:\n  a:\n    image: y\n  b:\n    ports: ['1:1']\n    image: x\n";
  auto first = convertOk(a);
  auto second = convertOk(b);
  EXPECT_EQ(emit::toYamlStream(first), emit::toYamlStream(second));
  EXPECT_EQ(emit::toYamlStream(first), emit::toYamlStream(convertOk(a)));
}

TEST(TranslatorTest, NamesReachingTheApiServerAreValidated) {
  auto converted = convertText(
      "services:\n  web:\n    image: x\n    secrets: [db_pass, db-pass]\n"
      "secrets:\n  db_pass:\n    file: ./a\n  db-pass:\n    file: ./b\n",
      {}, {{"a", "1"}, {"b", "2"}});
  ASSERT_FALSE(converted.objects);
  EXPECT_THAT(converted.objects.error().message,
              HasSubstr("both become the Secret 'demo-db-pass'"));

  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n    secrets: [s]\n"
                           "secrets:\n  s:\n    external: true\n    name: Not_A_Name\n")
                  .message,
              HasSubstr("external secret name 'Not_A_Name'"));
  EXPECT_THAT(
      convertError("services:\n  web:\n    image: x\n    extra_hosts: ['db:not-an-ip']\n").message,
      HasSubstr("'not-an-ip' (for db) is not an IP address"));
  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n    networks: [front_end, front-end]\n"
                           "networks:\n  front_end:\n  front-end:\n")
                  .message,
              HasSubstr("both become the network 'front-end'"));
  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n    volumes: ['v:/v']\n"
                           "volumes:\n  v:\n    x-kubernetes: {size: lots}\n")
                  .message,
              HasSubstr("not a Kubernetes quantity"));
  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n    hostname: Web_1\n").message,
              HasSubstr("not a valid DNS label"));
}

TEST(TranslatorTest, NamespaceIsValidatedAndApplied) {
  TranslateOptions options;
  options.namespaceName = "shop";
  for (const auto& object : convertOk("services:\n  web:\n    image: x\n", options)) {
    EXPECT_EQ(object["metadata"]["namespace"], "shop");
  }
  options.namespaceName = "Not_Valid";
  EXPECT_THAT(convertError("services:\n  web:\n    image: x\n", options).message,
              HasSubstr("namespace"));
}

}  // namespace
}  // namespace cop::translate
