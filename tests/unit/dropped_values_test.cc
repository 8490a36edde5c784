// Issue 6, class 8: nothing dropped silently. Every service key of the Compose Specification's
// schema (../shared/corpus/compose-spec/compose-spec.json) is given a valid value that differs
// from the default; converting it must change the objects, or warn about that key, or fail
// naming it. A key that did none of these would be dropped without a word. The table must
// cover every key of the schema, so a key the schema gains is caught too.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "operator/load/service_parser_parts.h"
#include "tests/support/test_support.h"

namespace cop {
namespace {

using ::testing::HasSubstr;

constexpr const char* kBase = "services:\n  web:\n    image: nginx\n";

// key -> YAML lines added under services.web (indented by 4), each a valid, non-default value.
const std::map<std::string, std::string> kSamples = {
    {"annotations", "annotations: {team: shop}"},
    {"attach", "attach: false"},
    {"blkio_config", "blkio_config: {weight: 300}"},
    {"build", "build: ."},
    {"cap_add", "cap_add: [NET_BIND_SERVICE]"},
    {"cap_drop", "cap_drop: [CHOWN]"},
    {"cgroup", "cgroup: private"},
    {"cgroup_parent", "cgroup_parent: m-executor"},
    {"command", "command: [serve]"},
    {"configs", "configs: [c]"},
    {"container_name", "container_name: my-web"},
    {"cpu_count", "cpu_count: 2"},
    {"cpu_percent", "cpu_percent: 50"},
    {"cpu_period", "cpu_period: 100000"},
    {"cpu_quota", "cpu_quota: 50000"},
    {"cpu_rt_period", "cpu_rt_period: 1000"},
    {"cpu_rt_runtime", "cpu_rt_runtime: 500"},
    {"cpu_shares", "cpu_shares: 512"},
    {"cpus", "cpus: 0.25"},
    {"cpuset", "cpuset: '0,1'"},
    {"credential_spec", "credential_spec: {file: spec.json}"},
    {"depends_on", "depends_on: [db]"},
    {"deploy", "deploy: {replicas: 3}"},
    {"develop", "develop: {watch: [{path: ., action: rebuild}]}"},
    {"device_cgroup_rules", "device_cgroup_rules: ['c 1:3 mr']"},
    {"devices", "devices: ['/dev/fuse']"},
    {"dns", "dns: 8.8.8.8"},
    {"dns_opt", "dns_opt: [use-vc]"},
    {"dns_search", "dns_search: example.com"},
    {"domainname", "domainname: example.com"},
    {"entrypoint", "entrypoint: [/bin/app]"},
    {"env_file", "env_file: app.env"},
    {"environment", "environment: {MODE: prod}"},
    {"expose", "expose: ['9000']"},
    {"extends", "extends: {service: db}"},
    {"external_links", "external_links: [redis_1]"},
    {"extra_hosts", "extra_hosts: ['somehost=162.242.195.82']"},
    {"gpus", "gpus: all"},
    {"group_add", "group_add: ['2000']"},
    {"healthcheck", "healthcheck: {test: [CMD, true], interval: 5s}"},
    {"hostname", "hostname: web-host"},
    {"image", "image: nginx:1.27"},
    {"init", "init: true"},
    {"ipc", "ipc: 'service:db'"},
    {"isolation", "isolation: process"},
    {"label_file", "label_file: app.labels"},
    {"labels", "labels: {tier: front}"},
    {"links", "links: ['db:database']"},
    {"logging", "logging: {driver: syslog}"},
    {"mac_address", "mac_address: '02:42:ac:11:65:43'"},
    {"mem_limit", "mem_limit: 300m"},
    {"mem_reservation", "mem_reservation: 100m"},
    {"mem_swappiness", "mem_swappiness: 10"},
    {"memswap_limit", "memswap_limit: 1g"},
    {"models", "models: [m]"},
    {"network_mode", "network_mode: none"},
    {"networks", "networks: [back]"},
    {"oom_kill_disable", "oom_kill_disable: true"},
    {"oom_score_adj", "oom_score_adj: 500"},
    {"pid", "pid: 'service:db'"},
    {"pids_limit", "pids_limit: 100"},
    {"platform", "platform: linux/arm64"},
    {"ports", "ports: ['8080:80']"},
    {"post_start", "post_start: [{command: [echo, hi]}]"},
    {"pre_stop", "pre_stop: [{command: [echo, bye]}]"},
    {"privileged", "privileged: true"},
    {"profiles", "profiles: [debug]"},
    {"provider", "provider: {type: awesomecloud}"},
    {"pull_policy", "pull_policy: always"},
    {"pull_refresh_after", "pull_refresh_after: 1h"},
    {"read_only", "read_only: false"},
    {"restart", "restart: 'no'"},
    {"runtime", "runtime: runc"},
    {"scale", "scale: 2"},
    {"secrets", "secrets: [s]"},
    {"security_opt", "security_opt: ['label:user:USER']"},
    {"shm_size", "shm_size: 128m"},
    {"stdin_open", "stdin_open: true"},
    {"stop_grace_period", "stop_grace_period: 45s"},
    {"stop_signal", "stop_signal: SIGUSR1"},
    {"storage_opt", "storage_opt: {size: 1G}"},
    {"sysctls", "sysctls: {net.ipv4.ip_unprivileged_port_start: '0'}"},
    {"tmpfs", "tmpfs: [/cache]"},
    {"tty", "tty: true"},
    {"ulimits", "ulimits: {nofile: 20000}"},
    {"use_api_socket", "use_api_socket: true"},
    {"user", "user: '1000:staff'"},
    {"userns_mode", "userns_mode: keep-id"},
    {"uts", "uts: private"},
    {"volumes", "volumes: ['data:/data']"},
    {"volumes_from", "volumes_from: [db]"},
    {"working_dir", "working_dir: /srv"},
};

// Top-level additions that some samples need (a dependency, a network, a volume, ...).
constexpr const char* kSupport =
    "  db:\n    image: postgres\n    environment: {FROM_DB: '1'}\n"
    "networks:\n  back: {}\n"
    "volumes:\n  data: {}\n"
    "secrets:\n  s:\n    environment: S\n"
    "configs:\n  c:\n    content: hello\n"
    "models:\n  m:\n    model: ai/smollm2\n";

// Samples whose value the hardened default already honours: every capability is dropped, and
// every pod has its own cgroup namespace. They change nothing, and rightly say nothing.
const std::set<std::string> kHonouredByDefault = {"cap_drop", "cgroup"};

const std::map<std::string, std::string> kFiles = {{"app.env", "A=1\n"}, {"app.labels", "L=1\n"}};

std::string objectsOf(const testing::Converted& converted) {
  std::string out;
  for (const auto& object : *converted.objects) {
    out += object.dump() + "\n";
  }
  return out;
}

// The service properties of the compose-spec schema (../shared/corpus), or null when it is
// missing.
nlohmann::json schemaServiceProperties() {
  std::ifstream in(std::string(COP_SHARED_DIR) + "/corpus/compose-spec/compose-spec.json");
  if (!in) {
    return nullptr;
  }
  return nlohmann::json::parse(in)["definitions"]["service"]["properties"];
}

TEST(NothingDroppedSilently, TheSampleTableCoversEveryServiceKeyOfTheSchema) {
  const nlohmann::json properties = schemaServiceProperties();
  ASSERT_FALSE(properties.is_null()) << "the compose-spec schema is missing";
  std::set<std::string> missing;
  for (const auto& [key, value] : properties.items()) {
    if (!kSamples.contains(key)) {
      missing.insert(key);
    }
  }
  EXPECT_TRUE(missing.empty()) << "no sample for: " << ::testing::PrintToString(missing);
}

// "An integer where the schema wants a string" is refused for every service property the
// schema types as a string, not for a hand-picked few: the list follows the schema.
TEST(SchemaStrings, TheRefusedPropertiesAreTheSchemasStringProperties) {
  const nlohmann::json properties = schemaServiceProperties();
  ASSERT_FALSE(properties.is_null()) << "the compose-spec schema is missing";
  std::set<std::string> fromSchema;
  for (const auto& [key, value] : properties.items()) {
    // `value` may have no type at all (a $ref): find(), since operator[] on a const object
    // asserts that the key exists.
    const auto found = value.find("type");
    const nlohmann::json type = found != value.end() ? *found : nlohmann::json();
    if (type == "string" || type == nlohmann::json::array({"string", "null"})) {
      fromSchema.insert(key);
    }
  }
  const std::set<std::string> refused(std::begin(load::detail::kSchemaStringProperties),
                                      std::end(load::detail::kSchemaStringProperties));
  EXPECT_EQ(refused, fromSchema);
}

TEST(SchemaStrings, ANumberOrBooleanThereIsRefusedNamingTheKey) {
  for (std::string_view key : load::detail::kSchemaStringProperties) {
    for (const char* value : {"5", "true", "1.5"}) {
      const std::string compose =
          key == "image" ? std::string("services:\n  web:\n    image: ") + value + "\n"
                         : std::string(kBase) + "    " + std::string(key) + ": " + value + "\n";
      const auto converted = testing::convertText(compose);
      ASSERT_FALSE(converted.objects) << key << ": " << value << " was accepted";
      EXPECT_THAT(converted.objects.error().format(),
                  HasSubstr("services.web." + std::string(key) + ": must be a string"))
          << key;
    }
  }
}

TEST(NothingDroppedSilently, EveryServiceKeyChangesTheObjectsOrIsReported) {
  const auto baseline = testing::convertText(std::string(kBase) + kSupport, {}, kFiles);
  ASSERT_TRUE(baseline.objects) << baseline.objects.error().format();
  const std::string before = objectsOf(baseline);
  for (const auto& [key, sample] : kSamples) {
    const std::string compose = std::string(kBase) + "    " + sample + "\n" + kSupport;
    translate::TranslateOptions options;
    if (key == "build") {
      options.images = {{"web", "nginx"}};  // a build-only service needs --image
    }
    const auto converted = testing::convertText(compose, options, kFiles);
    const std::string warnings = testing::joinWarnings(converted.warnings);
    if (!converted.objects) {
      EXPECT_THAT(converted.objects.error().format(), HasSubstr(key))
          << key << ": refused without naming the key";
      continue;
    }
    const bool changed = objectsOf(converted) != before;
    const bool reported = warnings.find("services.web." + key) != std::string::npos;
    EXPECT_TRUE(changed || reported || kHonouredByDefault.contains(key))
        << key << " was dropped silently";
  }
}

// The values issue 6 names, one by one, beyond the key-level sweep above.
TEST(NothingDroppedSilently, NamedGroupsAndNamespaceModesAreReported) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"user: '1000:staff'", "services.web.user"},
      {"pid: 'container:abc'", "services.web.pid"},
      {"ipc: none", "services.web.ipc"},
      {"userns_mode: 'keep-id'", "services.web.userns_mode"},
      {"uts: private", "services.web.uts"},
      {"volume_driver: flocker", "services.web.volume_driver"},
      {"group_add: [staff]", "services.web.group_add"},
      {"tmpfs: ['/x']\n    volumes:\n      - type: tmpfs\n        target: /y\n        tmpfs: "
       "{mode: "
       "0700}",
       "services.web.volumes[0].tmpfs.mode"},
      {"volumes:\n      - type: volume\n        source: data\n        target: /d\n        volume: "
       "{nocopy: false}",
       "services.web.volumes[0].volume.nocopy"},
  };
  for (const auto& [sample, path] : cases) {
    const auto converted =
        testing::convertText(std::string(kBase) + "    " + sample + "\n" + kSupport, {}, kFiles);
    ASSERT_TRUE(converted.objects) << sample << ": " << converted.objects.error().format();
    EXPECT_THAT(testing::joinWarnings(converted.warnings), HasSubstr(path)) << sample;
  }
}

TEST(NothingDroppedSilently, TheRootGroupIsRefusedUnderRestricted) {
  for (const char* sample :
       {"user: '1000:0'", "user: '1000:root'", "group_add: ['0']", "group_add: [root]"}) {
    const auto restricted = testing::convertText(std::string(kBase) + "    " + sample + "\n");
    ASSERT_FALSE(restricted.objects) << sample;
    EXPECT_THAT(restricted.objects.error().message, HasSubstr("root group")) << sample;
    translate::TranslateOptions baseline;
    baseline.profile = translate::SecurityProfile::kBaseline;
    EXPECT_TRUE(testing::convertText(std::string(kBase) + "    " + sample + "\n", baseline).objects)
        << sample << " is allowed under baseline";
  }
}

}  // namespace
}  // namespace cop
