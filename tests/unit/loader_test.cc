// The load stage as a whole: env files, multi-file merge, extends, include, profiles, and the
// errors bad input gets (file, line, compose path).

#include "operator/load/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "operator/load/discovery.h"
#include "tests/support/test_support.h"

namespace cop::load {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::joinWarnings;
using testing::loadText;
using ::testing::Pair;

std::map<std::string, std::string> envOf(const Service& s) {
  return std::map<std::string, std::string>(s.environment.begin(), s.environment.end());
}

TEST(LoaderTest, InterpolatesFromDotEnvWithTheEnvironmentWinning) {
  Warnings warnings;
  LoadOptions options;
  options.environment = {{"TAG", "from-process"}};
  auto project =
      loadText("services:\n  web:\n    image: app:${TAG}\n    environment:\n      PORT: ${PORT}\n",
               warnings, {{".env", "TAG=from-file\nPORT=8080\n"}}, options);
  ASSERT_TRUE(project) << project.error().format();
  EXPECT_EQ(project->services[0].image, "app:from-process");
  EXPECT_EQ(envOf(project->services[0])["PORT"], "8080");
}

TEST(LoaderTest, ExplicitEnvFileReplacesDotEnvAndMustExist) {
  Warnings warnings;
  LoadOptions options;
  options.envFiles = std::vector<std::string>{"prod.env"};
  auto project = loadText("services:\n  web:\n    image: app:${TAG}\n", warnings,
                          {{".env", "TAG=dev\n"}, {"prod.env", "TAG=prod\n"}}, options);
  ASSERT_TRUE(project);
  EXPECT_EQ(project->services[0].image, "app:prod");
  options.envFiles = std::vector<std::string>{"missing.env"};
  auto missing = loadText("services:\n  web:\n    image: x\n", warnings, {}, options);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().format(), HasSubstr("missing.env"));
}

TEST(LoaderTest, MergesFilesByComposeRules) {
  const std::string base =
      "services:\n"
      "  web:\n"
      "    image: web:1\n"
      "    command: [serve, --old]\n"
      "    environment: [A=1, B=2]\n"
      "    ports: ['8080:80', '9000:9000']\n"
      "    volumes: ['data:/data']\n"
      "    cap_add: [NET_BIND_SERVICE]\n"
      "    labels: {keep: 'yes'}\n"
      "volumes:\n  data:\n  logs:\n";
  const std::string override =
      "services:\n"
      "  web:\n"
      "    image: web:2\n"
      "    command: [serve, --new]\n"
      "    environment: {B: 3, C: 4}\n"
      "    ports: ['8081:80', '9000:9000']\n"
      "    volumes: ['logs:/data']\n"
      "    labels: !reset {}\n";
  Warnings warnings;
  LoadOptions options;
  options.files = {"compose.yaml", "override.yaml"};
  auto project = loadText(base, warnings, {{"override.yaml", override}}, options);
  ASSERT_TRUE(project) << project.error().format();
  const Service& web = project->services[0];
  EXPECT_EQ(web.image, "web:2");
  EXPECT_THAT(*web.command, ElementsAre("serve", "--new"));  // replaced, not appended
  EXPECT_THAT(envOf(web), ::testing::ElementsAre(Pair("A", "1"), Pair("B", "3"), Pair("C", "4")));
  ASSERT_EQ(web.ports.size(), 3u);    // 8080:80, 9000:9000 (merged by key), 8081:80
  ASSERT_EQ(web.volumes.size(), 1u);  // same target: the override wins
  EXPECT_EQ(web.volumes[0].source, "logs");
  EXPECT_TRUE(web.labels.empty());  // !reset
  EXPECT_THAT(web.capAdd, ElementsAre("NET_BIND_SERVICE"));
}

TEST(LoaderTest, OverrideTagReplacesWholesale) {
  Warnings warnings;
  LoadOptions options;
  options.files = {"compose.yaml", "o.yaml"};
  auto project =
      loadText("services:\n  web:\n    image: a\n    environment: {A: 1, B: 2}\n", warnings,
               {{"o.yaml", "services:\n  web:\n    environment: !override {C: 3}\n"}}, options);
  ASSERT_TRUE(project) << project.error().format();
  EXPECT_THAT(envOf(project->services[0]), ElementsAre(Pair("C", "3")));
}

TEST(LoaderTest, ExtendsInTheSameFileAndAnother) {
  const std::string compose =
      "services:\n"
      "  base:\n"
      "    image: base:1\n"
      "    environment: {A: base, B: base}\n"
      "  web:\n"
      "    extends: base\n"
      "    environment: {B: web}\n"
      "  worker:\n"
      "    extends: {file: common/shared.yaml, service: job}\n"
      "    command: run\n";
  const std::string shared =
      "services:\n"
      "  job:\n"
      "    image: job:1\n"
      "    env_file: job.env\n"
      "    command: [never, used]\n";
  Warnings warnings;
  auto project = loadText(compose, warnings,
                          {{"common/shared.yaml", shared}, {"common/job.env", "FROM_FILE=1\n"}});
  ASSERT_TRUE(project) << project.error().format();
  const Service* web = project->findService("web");
  EXPECT_EQ(web->image, "base:1");
  EXPECT_THAT(envOf(*web), ElementsAre(Pair("A", "base"), Pair("B", "web")));
  const Service* worker = project->findService("worker");
  EXPECT_EQ(worker->image, "job:1");
  EXPECT_THAT(*worker->command, ElementsAre("run"));
  // The env_file path of the extended service is relative to its own file.
  EXPECT_EQ(envOf(*worker)["FROM_FILE"], "1");
}

TEST(LoaderTest, CircularExtendsIsAnError) {
  Warnings warnings;
  auto project = loadText("services:\n  a:\n    extends: b\n  b:\n    extends: a\n", warnings);
  ASSERT_FALSE(project);
  EXPECT_THAT(project.error().message, HasSubstr("circular extends"));
}

TEST(LoaderTest, ProfilesSelectServicesAndReferencesToDisabledOnesFail) {
  const std::string compose =
      "services:\n"
      "  web:\n    image: web\n"
      "  debug:\n    image: debug\n    profiles: [dev]\n"
      "  tools:\n    image: tools\n    profiles: [ops]\n    depends_on: [web]\n";
  Warnings warnings;
  auto none = loadText(compose, warnings);
  ASSERT_TRUE(none);
  ASSERT_EQ(none->services.size(), 1u);
  LoadOptions options;
  options.profiles = {"dev"};
  auto dev = loadText(compose, warnings, {}, options);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->services.size(), 2u);
  options.profiles = {"*"};
  auto all = loadText(compose, warnings, {}, options);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->services.size(), 3u);

  auto broken = loadText(
      "services:\n  web:\n    image: w\n    depends_on: [debug]\n"
      "  debug:\n    image: d\n    profiles: [dev]\n",
      warnings);
  ASSERT_FALSE(broken);
  EXPECT_THAT(broken.error().message, HasSubstr("no active profile enables"));
  EXPECT_EQ(broken.error().path, "services.web.depends_on[0]");
}

TEST(LoaderTest, IncludeAddsAnotherProjectWithItsOwnPaths) {
  Warnings warnings;
  auto project =
      loadText("include:\n  - sub/compose.yaml\nservices:\n  web:\n    image: web\n", warnings,
               {{"sub/compose.yaml", "services:\n  db:\n    image: db\n    env_file: db.env\n"},
                {"sub/db.env", "X=1\n"}});
  ASSERT_TRUE(project) << project.error().format();
  ASSERT_EQ(project->services.size(), 2u);
  EXPECT_EQ(envOf(*project->findService("db"))["X"], "1");
  // A service defined both here and in the include: as docker compose, this file's
  // definition is merged over the included one (with a warning).
  Warnings conflictWarnings;
  auto conflict = loadText(
      "include:\n  - sub/compose.yaml\nservices:\n  db:\n    image: web\n", conflictWarnings,
      {{"sub/compose.yaml", "services:\n  db:\n    image: db\n    environment: {A: '1'}\n"}});
  ASSERT_TRUE(conflict) << conflict.error().format();
  EXPECT_EQ(conflict->findService("db")->image, "web");
  EXPECT_EQ(envOf(*conflict->findService("db"))["A"], "1");
  ASSERT_EQ(conflictWarnings.size(), 1u);
  EXPECT_THAT(conflictWarnings.items()[0].message, HasSubstr("merged over it"));
}

TEST(LoaderTest, YamlAnchorsAndExtensionFields) {
  Warnings warnings;
  auto project = loadText(
      "x-common: &common\n  image: shared:1\n  environment: {A: '1'}\n"
      "services:\n  one:\n    <<: *common\n  two:\n    <<: *common\n    image: own:1\n"
      "    x-custom: ignored\n",
      warnings);
  ASSERT_TRUE(project) << project.error().format();
  EXPECT_EQ(project->findService("one")->image, "shared:1");
  EXPECT_EQ(project->findService("two")->image, "own:1");
  EXPECT_EQ(envOf(*project->findService("two"))["A"], "1");
}

TEST(LoaderTest, EnvFileAndKeyOnlyEnvironment) {
  Warnings warnings;
  LoadOptions options;
  options.environment = {{"FROM_SHELL", "s"}};
  auto project = loadText(
      "services:\n  web:\n    image: w\n    env_file: [a.env, {path: missing.env, required: "
      "false}]\n"
      "    environment: [FROM_SHELL, NOT_SET, OVERRIDE=env]\n",
      warnings, {{"a.env", "OVERRIDE=file\nONLY_FILE=1\n"}}, options);
  ASSERT_TRUE(project) << project.error().format();
  EXPECT_THAT(
      envOf(project->services[0]),
      ElementsAre(Pair("FROM_SHELL", "s"), Pair("ONLY_FILE", "1"), Pair("OVERRIDE", "env")));
}

TEST(LoaderTest, LongAndShortSyntaxes) {
  Warnings warnings;
  auto project = loadText(
      "services:\n"
      "  web:\n"
      "    image: w\n"
      "    ports:\n"
      "      - target: 80\n        published: '8080'\n        protocol: udp\n        name: http\n"
      "      - 443\n"
      "    healthcheck:\n      test: curl -f http://localhost\n      interval: 1m30s\n      "
      "retries: 5\n"
      "    deploy:\n      resources:\n        limits: {cpus: '0.5', memory: 768M}\n"
      "    stop_grace_period: 1m\n"
      "    depends_on:\n      db: {condition: service_healthy}\n"
      "  db:\n    image: d\n",
      warnings);
  ASSERT_TRUE(project) << project.error().format();
  const Service* web = project->findService("web");
  ASSERT_EQ(web->ports.size(), 2u);
  EXPECT_EQ(web->ports[0].published, 8080);
  EXPECT_EQ(web->ports[0].protocol, "udp");
  EXPECT_THAT(web->healthcheck->test, ElementsAre("CMD-SHELL", "curl -f http://localhost"));
  EXPECT_EQ(web->healthcheck->intervalMs, 90'000);
  EXPECT_EQ(web->deploy.limits.milliCpus, 500);
  EXPECT_EQ(web->deploy.limits.memoryBytes, 768LL * 1024 * 1024);
  EXPECT_EQ(web->stopGracePeriodMs, 60'000);
  EXPECT_EQ(web->dependsOn[0].condition, "service_healthy");
}

struct BadInput {
  std::string name;
  std::string compose;
  std::string message;
  std::string path;
  int line;
};

void PrintTo(const BadInput& input, std::ostream* out) {
  *out << input.name;
}

class LoaderErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(LoaderErrorTest, NamesFileLineAndField) {
  Warnings warnings;
  auto project = loadText(GetParam().compose, warnings);
  ASSERT_FALSE(project) << "expected an error";
  EXPECT_THAT(project.error().message, HasSubstr(GetParam().message));
  EXPECT_EQ(project.error().path, GetParam().path);
  EXPECT_EQ(project.error().file, "compose.yaml");
  EXPECT_EQ(project.error().line, GetParam().line);
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, LoaderErrorTest,
    ::testing::Values(
        BadInput{"UnknownTopLevel", "services: {}\nservice:\n  web: {}\n",
                 "unknown top-level key 'service'", "service", 3},
        BadInput{"UnknownServiceKey", "services:\n  web:\n    image: x\n    enviroment: {}\n",
                 "unknown key 'enviroment'", "services.web.enviroment", 4},
        BadInput{"WrongType", "services:\n  web:\n    image: x\n    privileged: maybe\n",
                 "expected true or false", "services.web.privileged", 4},
        BadInput{"PortOutOfRange", "services:\n  web:\n    image: x\n    ports: ['99999:80']\n",
                 "out of range", "services.web.ports[0]", 4},
        BadInput{"UnknownDependency", "services:\n  web:\n    image: x\n    depends_on: [db]\n",
                 "which is not defined", "services.web.depends_on[0]", 4},
        BadInput{"DependencyCycle",
                 "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    "
                 "depends_on: [a]\n",
                 "dependency cycle: a -> b -> a", "services.b.depends_on[0]", 7},
        BadInput{"UndefinedVolume", "services:\n  web:\n    image: x\n    volumes: ['data:/d']\n",
                 "not defined under the top-level volumes", "services.web.volumes[0]", 4},
        BadInput{"UndefinedNetwork", "services:\n  web:\n    image: x\n    networks: [front]\n",
                 "not defined under the top-level networks", "services.web.networks[0]", 4},
        BadInput{"UndefinedSecret", "services:\n  web:\n    image: x\n    secrets: [pw]\n",
                 "not defined under the top-level secrets", "services.web.secrets[0]", 4},
        BadInput{"BadDuration", "services:\n  web:\n    image: x\n    stop_grace_period: soon\n",
                 "expected a duration", "services.web.stop_grace_period", 4},
        BadInput{"BadHealthcheck",
                 "services:\n  web:\n    image: x\n    healthcheck:\n      test: [RUN, x]\n",
                 "must start with CMD", "services.web.healthcheck.test", 5},
        BadInput{"RequiredVariable", "services:\n  web:\n    image: ${IMAGE:?IMAGE must be set}\n",
                 "IMAGE must be set", "services.web.image", 3},
        BadInput{"ServicesNotAMapping", "services: [web]\n", "expected a mapping of services",
                 "services", 1}),
    [](const auto& info) { return info.param.name; });

TEST(LoaderTest, RefusesMoreServicesThanAStackMayHave) {
  std::string compose = "services:\n";
  for (int i = 0; i < 2001; ++i) {
    compose += "  s" + std::to_string(i) + ":\n    image: x\n";
  }
  Warnings warnings;
  auto project = loadText(compose, warnings);
  ASSERT_FALSE(project);
  EXPECT_THAT(project.error().message, HasSubstr("2001 services, more than the 2000"));
  EXPECT_EQ(project.error().path, "services");
}

TEST(LoaderTest, EmptyAndNonMappingFilesFail) {
  Warnings warnings;
  EXPECT_THAT(loadText("", warnings).error().message, HasSubstr("empty"));
  EXPECT_THAT(loadText("- a\n- b\n", warnings).error().message, HasSubstr("must be a mapping"));
  EXPECT_THAT(loadText("web:\n  image: nginx\n", warnings).error().message,
              HasSubstr("legacy version-1"));
}

TEST(LoaderTest, ObsoleteVersionAndIgnoredKeysWarn) {
  Warnings warnings;
  auto project = loadText(
      "version: '3.8'\nservices:\n  web:\n    image: x\n    logging: {driver: json-file}\n",
      warnings);
  ASSERT_TRUE(project);
  EXPECT_THAT(testing::joinWarnings(warnings), HasSubstr("version"));
  ASSERT_EQ(project->services[0].ignored.size(), 1u);
  EXPECT_EQ(project->services[0].ignored[0].key, "logging");
  EXPECT_EQ(project->services[0].ignored[0].origin.path, "services.web.logging");
}

TEST(LoaderTest, ProjectNameComesFromNameOrDirectory) {
  Warnings warnings;
  load::MemoryReader reader;
  reader.add("My Project/compose.yaml", "services:\n  web:\n    image: x\n");
  LoadOptions options;
  options.files = {"My Project/compose.yaml"};
  auto project = loadProject(options, reader, warnings);
  ASSERT_TRUE(project);
  EXPECT_EQ(project->name, "myproject");
  reader.add("named/compose.yaml", "name: Shop_2\nservices:\n  web:\n    image: x\n");
  options.files = {"named/compose.yaml"};
  auto named = loadProject(options, reader, warnings);
  ASSERT_TRUE(named);
  EXPECT_EQ(named->name, "shop_2");
}

TEST(LoaderTest, ReadsSecretValuesOnlyForUsedSecrets) {
  Warnings warnings;
  LoadOptions options;
  options.environment = {{"TOKEN", "t0ken"}};
  auto project = loadText(
      "services:\n  web:\n    image: x\n    secrets: [pw, token]\n"
      "secrets:\n  pw:\n    file: ./pw.txt\n  token:\n    environment: TOKEN\n  unused:\n    file: "
      "./nope.txt\n",
      warnings, {{"pw.txt", "s3cret"}}, options);
  ASSERT_TRUE(project) << project.error().format();
  EXPECT_EQ(project->secrets.at("pw").content, "s3cret");
  EXPECT_EQ(project->secrets.at("token").content, "t0ken");
  auto missing = loadText(
      "services:\n  web:\n    image: x\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw.txt\n",
      warnings);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().path, "secrets.pw.file");
}

// The secret file is there and holds a planted value, but is refused (over the 1 MiB limit):
// the error names the file and field and never quotes what the file holds.
TEST(LoaderTest, RefusedSecretFileDoesNotLeakItsValue) {
  const std::string planted = "planted-s3cret-value";
  const std::string content = planted + std::string(1024 * 1024, 'x') + "\n" + planted;
  Warnings warnings;
  auto refused = loadText(
      "services:\n  web:\n    image: x\n    secrets: [pw]\nsecrets:\n  pw:\n    file: ./pw.txt\n",
      warnings, {{"pw.txt", content}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().path, "secrets.pw.file");
  EXPECT_EQ(refused.error().line, 7);
  EXPECT_THAT(refused.error().format(), HasSubstr("pw.txt"));
  EXPECT_THAT(refused.error().format(), ::testing::Not(HasSubstr(planted)));
  EXPECT_THAT(joinWarnings(warnings), ::testing::Not(HasSubstr(planted)));
}

TEST(DiscoveryTest, FindsComposeNamesInComposeOrderWithTheirOverride) {
  auto discover = [](std::set<std::string> files) {
    return discoverComposeFiles({"..", "../.."},
                                [&files](const std::string& path) { return files.contains(path); });
  };
  // docker-compose.yml comes before docker-compose.yaml (compose-go's DefaultFileNames).
  EXPECT_THAT(discover({"docker-compose.yaml", "docker-compose.yml"}),
              ElementsAre("docker-compose.yml"));
  EXPECT_THAT(discover({"compose.yml", "docker-compose.yml"}), ElementsAre("compose.yml"));
  // The first override file beside the main file is merged over it.
  EXPECT_THAT(discover({"compose.yaml", "compose.override.yaml", "docker-compose.override.yml"}),
              ElementsAre("compose.yaml", "compose.override.yaml"));
  EXPECT_THAT(discover({"compose.yaml", "docker-compose.override.yml"}),
              ElementsAre("compose.yaml", "docker-compose.override.yml"));
  // None here: the nearest parent that has one, with its own override only.
  EXPECT_THAT(
      discover({"../../compose.yaml", "../../compose.override.yml", "compose.override.yml"}),
      ElementsAre("../../compose.yaml", "../../compose.override.yml"));
  EXPECT_TRUE(discover({"compose.override.yml"}).empty());
}

TEST(LoaderTest, AnEmptyCommandWarnsThatAPodSpecCannotClearTheImages) {
  Warnings warnings;
  auto project =
      loadText("services:\n  web:\n    image: x\n    command: []\n    entrypoint: ''\n", warnings);
  ASSERT_TRUE(project) << project.error().format();
  ASSERT_EQ(warnings.size(), 2u) << joinWarnings(warnings);
  EXPECT_THAT(warnings.items()[0].message, HasSubstr("a pod spec cannot say"));
  EXPECT_EQ(warnings.items()[1].path, "services.web.entrypoint");
}

}  // namespace
}  // namespace cop::load
