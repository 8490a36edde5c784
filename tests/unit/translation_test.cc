// translateStack(): the structured result the operator reads (per-service manifests, typed
// dependencies, coded diagnostics), the options it passes (stackName, secretVariables,
// publishType), and the config hash on pod templates.

#include "operator/translate/translation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "operator/common/base64.h"
#include "operator/translate/diagnostic_codes.h"
#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using ::testing::ElementsAre;
using testing::findObject;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using testing::visibleText;

using Translated = Expected<Translation, StackDiagnostic>;

// Loads `compose` (as compose.yaml of the project "demo", unless it names itself) and
// translates it with translateStack.
Translated translateText(const std::string& compose, TranslateOptions options = {},
                         std::map<std::string, std::string> files = {},
                         load::LoadOptions loadOptions = {}) {
  Warnings loadWarnings;
  auto project = testing::loadText(compose, loadWarnings, std::move(files), std::move(loadOptions));
  if (!project) {
    ADD_FAILURE() << "load failed: " << project.error().format();
    return Unexpected(StackDiagnostic{project.error(), "", "LoadFailed"});
  }
  return translateStack(*project, options);
}

Translation translateOk(const std::string& compose, TranslateOptions options = {},
                        std::map<std::string, std::string> files = {},
                        load::LoadOptions loadOptions = {}) {
  auto result = translateText(compose, options, std::move(files), std::move(loadOptions));
  EXPECT_TRUE(result) << result.error().where.format();
  return result ? *result : Translation{};
}

StackDiagnostic translateError(const std::string& compose, TranslateOptions options = {},
                               std::map<std::string, std::string> files = {},
                               load::LoadOptions loadOptions = {}) {
  auto result = translateText(compose, options, std::move(files), std::move(loadOptions));
  EXPECT_FALSE(result) << "expected an error";
  return result ? StackDiagnostic{} : result.error();
}

const ServiceManifest* manifestOf(const Translation& translation, const std::string& composeName) {
  for (const ServiceManifest& manifest : translation.services) {
    if (manifest.composeName == composeName) {
      return &manifest;
    }
  }
  return nullptr;
}

std::vector<std::string> refs(const ServiceManifest& manifest) {
  std::vector<std::string> out;
  for (const ObjectRef& ref : manifest.objects) {
    out.push_back(ref.kind + "/" + ref.name);
  }
  return out;
}

// ---- per-service manifests ---------------------------------------------------------------

constexpr const char* kShop = R"(services:
  web:
    image: nginx:1.25
    ports: ["8080:80"]
    environment:
      DB_PASSWORD: hunter2-long-enough
    volumes: [cache:/cache]
    configs: [site]
    secrets: [token]
    networks:
      default:
        aliases: [www]
    depends_on:
      migrate:
        condition: service_completed_successfully
      Db_Main:
        condition: service_healthy
  Db_Main:
    image: postgres:16
    volumes: [shared:/data]
  migrate:
    image: tool:1
    restart: "no"
    volumes: [shared:/data]
    depends_on: [Db_Main]
volumes:
  cache: {}
  shared: {}
configs:
  site:
    content: hello
secrets:
  token:
    file: ./token.txt
)";

TEST(TranslationTest, EachServiceOwnsItsObjectsAndStackObjectsBelongToNone) {
  Warnings loadWarnings;
  auto project = testing::loadText(kShop, loadWarnings, {{"token.txt", "s3cr3t-token"}});
  ASSERT_TRUE(project) << project.error().format();
  auto result = translateStack(*project, {});
  ASSERT_TRUE(result) << result.error().where.format();
  const Translation& translation = *result;
  ASSERT_EQ(translation.services.size(), 3u);
  // In project order (the loader's: by name).
  for (std::size_t i = 0; i < project->services.size(); ++i) {
    EXPECT_EQ(translation.services[i].composeName, project->services[i].name);
  }
  ASSERT_NE(manifestOf(translation, "web"), nullptr);
  ASSERT_NE(manifestOf(translation, "Db_Main"), nullptr);
  ASSERT_NE(manifestOf(translation, "migrate"), nullptr);

  const ServiceManifest& web = *manifestOf(translation, "web");
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.workloadKind, "Deployment");
  EXPECT_THAT(refs(web),
              UnorderedElementsAre("Deployment/web", "Service/web", "Service/www",
                                   "Secret/demo-web-env", "PersistentVolumeClaim/demo-cache"));
  const ServiceManifest& db = *manifestOf(translation, "Db_Main");
  EXPECT_EQ(db.name, "db-main");
  EXPECT_EQ(db.workloadKind, "Deployment");
  // demo-shared is mounted by db and migrate: the stack's.
  EXPECT_THAT(refs(db), UnorderedElementsAre("Deployment/db-main", "Service/db-main"));
  const ServiceManifest& migrate = *manifestOf(translation, "migrate");
  EXPECT_EQ(migrate.workloadKind, "Job");
  EXPECT_THAT(refs(migrate), UnorderedElementsAre("Job/migrate", "Service/migrate"));

  // apiVersions come from the objects.
  for (const ObjectRef& ref : web.objects) {
    if (ref.kind == "Deployment") {
      EXPECT_EQ(ref.apiVersion, "apps/v1");
    } else {
      EXPECT_EQ(ref.apiVersion, "v1") << ref.kind;
    }
  }
  EXPECT_EQ(migrate.objects.front().kind == "Job" ? migrate.objects.front().apiVersion
                                                  : migrate.objects.back().apiVersion,
            "batch/v1");

  // Every object belongs to at most one service; what belongs to none is stack-wide.
  std::map<std::string, int> owners;
  for (const ServiceManifest& manifest : translation.services) {
    for (const std::string& ref : refs(manifest)) {
      ++owners[ref];
    }
  }
  std::set<std::string> unowned;
  for (const Object& object : translation.objects) {
    const std::string ref =
        object["kind"].get<std::string>() + "/" + object["metadata"]["name"].get<std::string>();
    EXPECT_LE(owners[ref], 1) << ref;
    if (owners[ref] == 0) {
      unowned.insert(object["kind"].get<std::string>());
      EXPECT_THAT(std::set<std::string>({"ServiceAccount", "Secret", "ConfigMap",
                                         "PersistentVolumeClaim", "NetworkPolicy"}),
                  ::testing::Contains(object["kind"].get<std::string>()))
          << ref;
    }
  }
  EXPECT_EQ(owners["Secret/demo-token"], 0);
  EXPECT_EQ(owners["ConfigMap/demo-site"], 0);
  EXPECT_EQ(owners["PersistentVolumeClaim/demo-shared"], 0);
  EXPECT_EQ(owners["ServiceAccount/demo"], 0);
  EXPECT_TRUE(unowned.contains("NetworkPolicy"));
  // The published-ports policy names web but is the stack's.
  EXPECT_FALSE(findObject(translation.objects, "NetworkPolicy", "demo-web-published").is_null());
  EXPECT_EQ(owners["NetworkPolicy/demo-web-published"], 0);
}

TEST(TranslationTest, ManifestObjectsFollowTheOrderOfTheObjects) {
  const Translation translation = translateOk(kShop, {}, {{"token.txt", "s3cr3t-token"}});
  const ServiceManifest* web = manifestOf(translation, "web");
  ASSERT_NE(web, nullptr);
  std::size_t last = 0;
  for (const ObjectRef& ref : web->objects) {
    std::size_t at = 0;
    while (at < translation.objects.size() &&
           !(translation.objects[at]["kind"] == ref.kind &&
             translation.objects[at]["metadata"]["name"] == ref.name)) {
      ++at;
    }
    ASSERT_LT(at, translation.objects.size()) << ref.kind << "/" << ref.name;
    EXPECT_GE(at, last);
    last = at;
  }
}

TEST(TranslationTest, ObjectsAndWarningsMatchTranslate) {
  Warnings loadWarnings;
  auto project = testing::loadText(kShop, loadWarnings, {{"token.txt", "s3cr3t-token"}});
  ASSERT_TRUE(project) << project.error().format();
  load::Project withWarnings = *project;
  withWarnings.services[0].ignored.push_back({"logging", "logs go elsewhere", {"c.yaml", 3, "p"}});
  Warnings warnings;
  auto objects = translate(withWarnings, {}, warnings);
  auto translation = translateStack(withWarnings, {});
  ASSERT_TRUE(objects);
  ASSERT_TRUE(translation);
  ASSERT_EQ(objects->size(), translation->objects.size());
  for (std::size_t i = 0; i < objects->size(); ++i) {
    EXPECT_EQ((*objects)[i], translation->objects[i]) << i;
  }
  ASSERT_EQ(warnings.size(), translation->warnings.size());
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    EXPECT_EQ(warnings.items()[i].format(), translation->warnings[i].where.format());
    EXPECT_EQ(warnings.items()[i].code, translation->warnings[i].code);
  }
}

// ---- dependencies ------------------------------------------------------------------------

TEST(TranslationTest, DependenciesAreTypedSanitisedAndSortedByName) {
  const Translation translation = translateOk(kShop, {}, {{"token.txt", "s3cr3t-token"}});
  const ServiceManifest* web = manifestOf(translation, "web");
  ASSERT_NE(web, nullptr);
  ASSERT_EQ(web->dependsOn.size(), 2u);
  EXPECT_EQ(web->dependsOn[0].service, "Db_Main");
  EXPECT_EQ(web->dependsOn[0].name, "db-main");
  EXPECT_EQ(web->dependsOn[0].condition, DependencyCondition::kHealthy);
  EXPECT_TRUE(web->dependsOn[0].required);
  EXPECT_EQ(web->dependsOn[1].service, "migrate");
  EXPECT_EQ(web->dependsOn[1].condition, DependencyCondition::kCompletedSuccessfully);
  const ServiceManifest* migrate = manifestOf(translation, "migrate");
  ASSERT_NE(migrate, nullptr);
  ASSERT_EQ(migrate->dependsOn.size(), 1u);
  EXPECT_EQ(migrate->dependsOn[0].name, "db-main");
  EXPECT_EQ(migrate->dependsOn[0].condition, DependencyCondition::kStarted);
  EXPECT_TRUE(manifestOf(translation, "Db_Main")->dependsOn.empty());
}

TEST(TranslationTest, OptionalDependenciesOnDisabledServicesAreLeftOut) {
  const Translation translation = translateOk(R"(services:
  app:
    image: app:1
    depends_on:
      cache:
        condition: service_started
        required: false
      db:
        condition: service_healthy
        required: false
        restart: true
  db:
    image: postgres:16
  cache:
    image: redis:7
    profiles: [debug]
)");
  const ServiceManifest* app = manifestOf(translation, "app");
  ASSERT_NE(app, nullptr);
  ASSERT_EQ(app->dependsOn.size(), 1u);  // cache is not enabled
  EXPECT_EQ(app->dependsOn[0].name, "db");
  EXPECT_FALSE(app->dependsOn[0].required);
  EXPECT_TRUE(app->dependsOn[0].restart);
}

TEST(TranslationTest, ConditionsHaveComposeNames) {
  EXPECT_EQ(toString(DependencyCondition::kStarted), "service_started");
  EXPECT_EQ(toString(DependencyCondition::kHealthy), "service_healthy");
  EXPECT_EQ(toString(DependencyCondition::kCompletedSuccessfully),
            "service_completed_successfully");
}

// ---- diagnostics ---------------------------------------------------------------------------

TEST(TranslationTest, APrivilegedServiceFailsWithItsCodeAndService) {
  const StackDiagnostic error = translateError(
      "services:\n  web:\n    image: nginx\n  tool:\n    image: busybox\n    privileged: true\n");
  EXPECT_EQ(error.code, "PrivilegedService");
  EXPECT_EQ(error.code, codes::kPrivilegedService);
  EXPECT_EQ(error.where.code, error.code);
  EXPECT_EQ(error.service, "tool");
  EXPECT_EQ(error.permanence, Permanence::kPermanent);
  EXPECT_EQ(error.where.file, "compose.yaml");
  EXPECT_EQ(error.where.line, 6);
  EXPECT_EQ(error.where.path, "services.tool.privileged");
  EXPECT_THAT(error.where.message, HasSubstr("privileged"));
}

TEST(TranslationTest, WarningsCarryTheirCodeAndService) {
  const Translation translation = translateOk(R"(services:
  shell:
    image: busybox
    logging:
      driver: json-file
  app:
    image: app:1
    build: .
)");
  ASSERT_EQ(translation.warnings.size(), 2u);
  // Services are translated by name: app first.
  EXPECT_EQ(translation.warnings[0].code, "BuildNotCarriedOver");
  EXPECT_EQ(translation.warnings[0].service, "app");
  EXPECT_EQ(translation.warnings[0].where.path, "services.app.build");
  EXPECT_EQ(translation.warnings[1].code, "IgnoredKey");
  EXPECT_EQ(translation.warnings[1].service, "shell");
  EXPECT_EQ(translation.warnings[1].where.path, "services.shell.logging");
  EXPECT_EQ(translation.warnings[1].where.code, "IgnoredKey");
  EXPECT_EQ(translation.warnings[1].permanence, Permanence::kPermanent);
}

TEST(TranslationTest, StackLevelDiagnosticsNameNoService) {
  load::Project empty;
  empty.name = "demo";
  auto none = translateStack(empty, {});
  ASSERT_TRUE(none);
  ASSERT_EQ(none->warnings.size(), 1u);
  EXPECT_EQ(none->warnings[0].code, "NoServices");
  EXPECT_EQ(none->warnings[0].service, "");

  TranslateOptions options;
  options.namespaceName = "Not_Valid";
  const StackDiagnostic error = translateError("services:\n  web:\n    image: nginx\n", options);
  EXPECT_EQ(error.code, "InvalidOption");
  EXPECT_EQ(error.service, "");
}

// Every error class comes out with its own code from the table, never the catch-all, and
// names the service it is about.
TEST(TranslationTest, EveryErrorCarriesACodeFromTheTable) {
  struct Case {
    const char* compose;
    std::string_view code;
    const char* service;
  };
  const Case kCases[] = {
      {"services:\n  a:\n    image: x\n    network_mode: host\n", codes::kHostNamespace, "a"},
      {"services:\n  a:\n    image: x\n    devices: [/dev/fuse]\n", codes::kHostDevice, "a"},
      {"services:\n  a:\n    image: x\n    user: root\n", codes::kRootUser, "a"},
      {"services:\n  a:\n    image: x\n    cap_add: [SYS_ADMIN]\n", codes::kForbiddenCapability,
       "a"},
      {"services:\n  a:\n    image: x\n    volumes: [/etc:/etc]\n", codes::kHostPathVolume, "a"},
      {"services:\n  a:\n    build: .\n", codes::kMissingImage, "a"},
      // a.b comes first (services go by name), so a_b is the one that collides.
      {"services:\n  a_b:\n    image: x\n  a.b:\n    image: x\n", codes::kNameCollision, "a_b"},
      {"services:\n  a:\n    image: x\n    labels:\n      compose.operator.dev/stack: x\n",
       codes::kReservedKey, "a"},
      {"services:\n  a:\n    image: x\n    restart: sometimes\n", codes::kInvalidRestartPolicy,
       "a"},
      {"services:\n  a:\n    image: x\n    security_opt: [seccomp:unconfined]\n",
       codes::kUnconfined, "a"},
      {"services:\n  a:\n    image: x\n    sysctls:\n      kernel.msgmax: 1\n",
       codes::kUnsafeSysctl, "a"},
      {"services:\n  a:\n    image: x\n    pull_policy: sometimes\n", codes::kInvalidPullPolicy,
       "a"},
      {"services:\n  a:\n    image: x\n  b:\n    image: y\n    labels:\n"
       "      note: postgres://u:pa55word-x@db/app\n",
       codes::kCredentialLiteral, "b"},
      {"services:\n  a:\n    image: x\n    ports: [\"80:80\", \"80:81\"]\n", codes::kPortConflict,
       "a"},
      {"services:\n  a:\n    image: x\n    network_mode: none\n    ports: [\"80\"]\n",
       codes::kIsolatedService, "a"},
  };
  for (const Case& c : kCases) {
    const StackDiagnostic error = translateError(c.compose);
    EXPECT_EQ(error.code, c.code) << c.compose << error.where.format();
    EXPECT_EQ(error.where.code, error.code) << c.compose;
    EXPECT_EQ(error.service, c.service) << c.compose;
    EXPECT_NE(error.code, codes::kTranslationFailed) << c.compose;
  }
}

TEST(TranslationTest, CodesAreUniqueAndPascalCase) {
  std::set<std::string_view> seen;
  const std::regex pascal("^[A-Z][a-z0-9]+([A-Z][a-z0-9]+)*$");
  for (const codes::CodeInfo& info : codes::kAll) {
    EXPECT_TRUE(seen.insert(info.code).second) << info.code;
    EXPECT_TRUE(std::regex_match(std::string(info.code), pascal)) << info.code;
  }
  // The translator sees only the stack: none of its codes may go away by itself.
  for (const codes::CodeInfo& info : codes::kAll) {
    EXPECT_EQ(info.permanence, Permanence::kPermanent) << info.code;
  }
  EXPECT_EQ(codes::permanenceOf("SomethingElse"), Permanence::kPermanent);
}

TEST(TranslationTest, DiagnosticsTakeThePermanenceOfTheirCode) {
  const StackDiagnostic error =
      translateError("services:\n  a:\n    image: x\n    privileged: true\n");
  EXPECT_EQ(error.permanence, codes::permanenceOf(error.code));
  const Translation translation =
      translateOk("services:\n  a:\n    image: x\n    logging:\n      driver: none\n");
  ASSERT_FALSE(translation.warnings.empty());
  for (const StackDiagnostic& warning : translation.warnings) {
    EXPECT_EQ(warning.permanence, codes::permanenceOf(warning.code));
    bool inTable = false;
    for (const codes::CodeInfo& info : codes::kAll) {
      inTable = inTable || (info.code == warning.code && !info.error);
    }
    EXPECT_TRUE(inTable) << warning.code;
  }
}

// ---- stackName ---------------------------------------------------------------------------

// Every label selector of `objects` (Service selectors, workload selectors, NetworkPolicy pod
// selectors) and every pod template's labels.
std::vector<Object> selectorsOf(const std::vector<Object>& objects) {
  std::vector<Object> out;
  for (const Object& object : objects) {
    if (!object.contains("spec")) {
      continue;
    }
    const Object& spec = object["spec"];
    if (object["kind"] == "Service") {
      out.push_back(spec["selector"]);
    } else if (spec.contains("selector")) {
      out.push_back(spec["selector"]["matchLabels"]);
    } else if (spec.contains("podSelector")) {
      out.push_back(spec["podSelector"]["matchLabels"]);
    }
  }
  return out;
}

std::vector<Object> podLabelsOf(const std::vector<Object>& objects) {
  std::vector<Object> out;
  for (const Object& object : objects) {
    if (object.contains("spec") && object["spec"].contains("template")) {
      out.push_back(object["spec"]["template"]["metadata"]["labels"]);
    }
  }
  return out;
}

bool selects(const Object& selector, const Object& labels) {
  for (const auto& [key, value] : selector.items()) {
    if (!labels.contains(key) || labels[key] != value) {
      return false;
    }
  }
  return true;
}

TEST(TranslationTest, StackNameWinsOverTheProjectName) {
  const std::string compose = std::string("name: shop\n") + kShop;
  const std::map<std::string, std::string> files{{"token.txt", "s3cr3t-token"}};
  TranslateOptions alphaOptions;
  alphaOptions.stackName = "alpha";
  TranslateOptions betaOptions;
  betaOptions.stackName = "beta";
  Warnings warnings;
  auto alphaProject = testing::loadText(compose, warnings, files);
  ASSERT_TRUE(alphaProject);
  alphaProject->name = "shop";  // both projects say the same name
  auto alpha = translateStack(*alphaProject, alphaOptions);
  auto beta = translateStack(*alphaProject, betaOptions);
  auto plain = translateStack(*alphaProject, {});
  ASSERT_TRUE(alpha) << alpha.error().where.format();
  ASSERT_TRUE(beta);
  ASSERT_TRUE(plain);

  for (const Object& object : alpha->objects) {
    const Object& labels = object["metadata"]["labels"];
    EXPECT_EQ(labels["compose.operator.dev/stack"], "alpha") << object["metadata"]["name"];
    EXPECT_EQ(labels["app.kubernetes.io/part-of"], "alpha");
  }
  EXPECT_FALSE(findObject(alpha->objects, "ServiceAccount", "alpha").is_null());
  EXPECT_FALSE(findObject(alpha->objects, "ConfigMap", "alpha-site").is_null());
  EXPECT_FALSE(findObject(alpha->objects, "Secret", "alpha-web-env").is_null());
  EXPECT_FALSE(findObject(plain->objects, "ServiceAccount", "shop").is_null());
  EXPECT_EQ(findObject(plain->objects, "Deployment",
                       "web")["metadata"]["labels"]["compose.operator.dev/stack"],
            "shop");

  // No selector of one stack selects a pod of the other.
  for (const Object& selector : selectorsOf(alpha->objects)) {
    for (const Object& labels : podLabelsOf(beta->objects)) {
      EXPECT_FALSE(selects(selector, labels)) << selector.dump() << " selects " << labels.dump();
    }
  }
  for (const Object& selector : selectorsOf(beta->objects)) {
    for (const Object& labels : podLabelsOf(alpha->objects)) {
      EXPECT_FALSE(selects(selector, labels)) << selector.dump() << " selects " << labels.dump();
    }
    // ... while each selects its own pods.
    bool any = false;
    for (const Object& labels : podLabelsOf(beta->objects)) {
      any = any || selects(selector, labels);
    }
    EXPECT_TRUE(any) << selector.dump();
  }
}

TEST(TranslationTest, AnInvalidStackNameIsRefused) {
  TranslateOptions options;
  options.stackName = "Not_A_Label";
  const StackDiagnostic error = translateError("services:\n  web:\n    image: nginx\n", options);
  EXPECT_EQ(error.code, "InvalidOption");
  EXPECT_THAT(error.where.message, HasSubstr("stack name"));
}

// ---- secretVariables -----------------------------------------------------------------------

// Whether some Secret's data holds `value` (decoded), whole or inside a longer value.
bool inSecretData(const std::vector<Object>& objects, const std::string& value) {
  for (const Object& object : objects) {
    if (object["kind"] != "Secret" || !object.contains("data")) {
      continue;
    }
    for (const auto& [key, encoded] : object["data"].items()) {
      const auto decoded = base64Decode(encoded.get<std::string>());
      if (decoded && decoded->find(value) != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

load::LoadOptions withVariables(std::map<std::string, std::string> variables) {
  load::LoadOptions options;
  options.environment = std::move(variables);
  return options;
}

TranslateOptions secretVariables(std::set<std::string> names) {
  TranslateOptions options;
  options.secretVariables = std::move(names);
  return options;
}

// APP_VALUE says nothing of credentials by its name, and its value has no credential shape:
// only secretVariables makes it one.
constexpr const char* kEnvAndCommand = R"(services:
  web:
    image: nginx
    environment:
      GREETING: "hello ${APP_VALUE}"
      PLAIN: ${APP_VALUE}
      OTHER_COPY: ${APP_VALUE}
    command: ["serve", "--value=${APP_VALUE}"]
)";

TEST(TranslationTest, ASecretVariableReachesOnlySecretsFromEnvironmentAndCommand) {
  for (const std::string value : {"plainvalue42", "pw1"}) {  // long, and short
    const auto loadOptions = withVariables({{"APP_VALUE", value}});
    const Translation translation =
        translateOk(kEnvAndCommand, secretVariables({"APP_VALUE"}), {}, loadOptions);
    ASSERT_FALSE(translation.objects.empty()) << value;
    EXPECT_THAT(visibleText(translation.objects), Not(HasSubstr(value))) << value;
    EXPECT_TRUE(inSecretData(translation.objects, value)) << value;
    const Object container = findObject(translation.objects, "Deployment",
                                        "web")["spec"]["template"]["spec"]["containers"][0];
    // A reference to a Secret-backed env var that holds the value (any that does).
    const std::string arg = container["args"][1].get<std::string>();
    std::smatch match;
    ASSERT_TRUE(std::regex_match(arg, match, std::regex(R"(--value=\$\(([A-Z_]+)\))"))) << arg;
    bool backed = false;
    for (const Object& entry : container["env"]) {
      backed = backed || (entry["name"] == match[1].str() && entry.contains("valueFrom"));
    }
    EXPECT_TRUE(backed) << arg;
    for (const Object& entry : container["env"]) {
      EXPECT_FALSE(entry.contains("value")) << entry.dump();
    }
    for (const StackDiagnostic& warning : translation.warnings) {
      EXPECT_THAT(warning.where.format(), Not(HasSubstr(value)));
    }
  }
  // Without the option the same value is a plain literal: the option is what moved it.
  const Translation plain =
      translateOk(kEnvAndCommand, {}, {}, withVariables({{"APP_VALUE", "plainvalue42"}}));
  EXPECT_THAT(visibleText(plain.objects), HasSubstr("plainvalue42"));
}

TEST(TranslationTest, ASecretVariableIsRefusedInALabel) {
  for (const std::string value : {"plainvalue42"}) {
    const StackDiagnostic error = translateError(
        "services:\n  web:\n    image: nginx\n    labels:\n"
        "      tier: ${APP_VALUE}\n",
        secretVariables({"APP_VALUE"}), {}, withVariables({{"APP_VALUE", value}}));
    EXPECT_EQ(error.code, "CredentialLiteral");
    EXPECT_EQ(error.service, "web");
    EXPECT_THAT(error.where.message, HasSubstr("APP_VALUE"));
    EXPECT_THAT(error.where.format(), Not(HasSubstr(value)));
  }
}

TEST(TranslationTest, ASecretVariableIsRefusedInAConfig) {
  const std::string compose =
      "services:\n  web:\n    image: nginx\n    configs: [site]\n"
      "configs:\n  site:\n    content: \"key = ${APP_VALUE}\"\n";
  const StackDiagnostic error = translateError(compose, secretVariables({"APP_VALUE"}), {},
                                               withVariables({{"APP_VALUE", "plainvalue42"}}));
  EXPECT_EQ(error.code, "CredentialLiteral");
  EXPECT_THAT(error.where.format(), Not(HasSubstr("plainvalue42")));
  // A config that is the variable, however short, is refused too.
  const StackDiagnostic whole = translateError(
      "services:\n  web:\n    image: nginx\n    configs: [site]\n"
      "configs:\n  site:\n    environment: APP_VALUE\n",
      secretVariables({"APP_VALUE"}), {}, withVariables({{"APP_VALUE", "pw1"}}));
  EXPECT_EQ(whole.code, "CredentialLiteral");
  EXPECT_THAT(whole.where.message, HasSubstr("APP_VALUE"));
  // Not a secret variable: the config is fine.
  translateOk(compose, {}, {}, withVariables({{"APP_VALUE", "plainvalue42"}}));
}

TEST(TranslationTest, ASecretValueSharedWithAPublicVariableStaysSecret) {
  // MYSQL_USER=wordpress next to MYSQL_PASSWORD=wordpress makes "wordpress" public; a value
  // from a Secret never is.
  const Translation translation = translateOk(
      "services:\n  web:\n    image: nginx\n    environment:\n      USER_NAME: ${A}\n"
      "      NOTE: \"user ${A}\"\n",
      secretVariables({"A"}), {}, withVariables({{"A", "wordpress"}}));
  EXPECT_THAT(visibleText(translation.objects), Not(HasSubstr("wordpress")));
}

TEST(TranslationTest, AShortSecretValueIsRedactedFromMessages) {
  const StackDiagnostic error =
      translateError("services:\n  web:\n    image: nginx\n    restart: ${R}\n",
                     secretVariables({"R"}), {}, withVariables({{"R", "zq"}}));
  EXPECT_EQ(error.code, "InvalidRestartPolicy");
  EXPECT_THAT(error.where.message, Not(HasSubstr("zq")));
  EXPECT_THAT(error.where.message, HasSubstr("${R}"));
}

// ---- publishType ---------------------------------------------------------------------------

std::string serviceType(const std::vector<Object>& objects, const std::string& name) {
  const Object service = findObject(objects, "Service", name);
  EXPECT_FALSE(service.is_null()) << name;
  return service.is_null() ? "" : service["spec"].value("type", "(headless)");
}

constexpr const char* kPublished = R"(services:
  web:
    image: nginx
    ports: ["8080:80"]
    networks:
      default:
        aliases: [www]
  admin:
    image: admin:1
    ports: ["127.0.0.1:9000:9000"]
  mixed:
    image: app:1
    ports: ["8081:81", "127.0.0.1:9001:9001"]
    expose: ["7000"]
  worker:
    image: worker:1
    expose: ["5000"]
  internal:
    image: internal:1
    ports: ["8082:82"]
    networks: [back]
  chosen:
    image: chosen:1
    ports: ["8083:83"]
    labels:
      kompose.service.type: clusterip
networks:
  back:
    internal: true
)";

TEST(TranslationTest, PublishedPortsAreClusterIPByDefault) {
  const Translation translation = translateOk(kPublished);
  for (const char* name : {"web", "www", "admin", "mixed", "internal", "chosen"}) {
    EXPECT_EQ(serviceType(translation.objects, name), "ClusterIP") << name;
  }
  EXPECT_TRUE(findObject(translation.objects, "Service", "mixed-published").is_null());
}

TEST(TranslationTest, PublishTypeExposesOnlyPublishedPorts) {
  for (PublishType type : {PublishType::kNodePort, PublishType::kLoadBalancer}) {
    TranslateOptions options;
    options.publishType = type;
    const std::string wanted(toString(type));
    const Translation translation = translateOk(kPublished, options);
    EXPECT_EQ(serviceType(translation.objects, "web"), wanted);
    EXPECT_EQ(findObject(translation.objects, "Service", "web")["spec"]["ports"][0]["port"], 8080);
    EXPECT_EQ(serviceType(translation.objects, "www"), "ClusterIP");       // an alias
    EXPECT_EQ(serviceType(translation.objects, "admin"), "ClusterIP");     // loopback only
    EXPECT_EQ(serviceType(translation.objects, "worker"), "ClusterIP");    // expose only
    EXPECT_EQ(serviceType(translation.objects, "internal"), "ClusterIP");  // internal network
    EXPECT_EQ(serviceType(translation.objects, "chosen"), "ClusterIP");    // its label wins
    // Published and private ports together: the service's own name keeps every port inside
    // the cluster, and a second Service exposes the published one alone.
    EXPECT_EQ(serviceType(translation.objects, "mixed"), "ClusterIP");
    EXPECT_EQ(findObject(translation.objects, "Service", "mixed")["spec"]["ports"].size(), 3u);
    const Object published = findObject(translation.objects, "Service", "mixed-published");
    ASSERT_FALSE(published.is_null());
    EXPECT_EQ(published["spec"]["type"], wanted);
    ASSERT_EQ(published["spec"]["ports"].size(), 1u);
    EXPECT_EQ(published["spec"]["ports"][0]["port"], 8081);
    EXPECT_EQ(published["spec"]["ports"][0]["targetPort"], 81);
    EXPECT_EQ(published["spec"]["selector"],
              findObject(translation.objects, "Service", "mixed")["spec"]["selector"]);
    EXPECT_THAT(refs(*manifestOf(translation, "mixed")),
                ::testing::Contains("Service/mixed-published"));
  }
  EXPECT_EQ(toString(PublishType::kClusterIP), "ClusterIP");
}

// ---- config hash -----------------------------------------------------------------------------

std::string configHash(const std::vector<Object>& objects, const std::string& workload,
                       const std::string& kind = "Deployment") {
  const Object object = findObject(objects, kind, workload);
  EXPECT_FALSE(object.is_null()) << workload;
  if (object.is_null()) {
    return "";
  }
  const Object& meta = object["spec"]["template"]["metadata"];
  if (!meta.contains("annotations") ||
      !meta["annotations"].contains("compose.operator.dev/config-hash")) {
    return "";
  }
  return meta["annotations"]["compose.operator.dev/config-hash"].get<std::string>();
}

std::string hashStack(const std::string& a, const std::string& b, const std::string& password) {
  return "services:\n"
         "  web:\n    image: nginx\n    configs: [a]\n    volumes: [./app.conf:/etc/app.conf:ro]\n"
         "  api:\n    image: api:1\n    configs: [b]\n    secrets: [token]\n"
         "    environment:\n      DB_PASSWORD: " +
         password +
         "\n"
         "  worker:\n    image: worker:1\n    configs: [outside]\n"
         "configs:\n  a:\n    content: \"" +
         a + "\"\n  b:\n    content: \"" + b +
         "\"\n  outside:\n    external: true\n"
         "secrets:\n  token:\n    file: ./token.txt\n";
}

Translation hashed(const std::string& a, const std::string& b, const std::string& password,
                   const std::string& file, const std::string& token = "tok-1234567") {
  return translateOk(hashStack(a, b, password), {}, {{"app.conf", file}, {"token.txt", token}});
}

TEST(TranslationTest, PodsCarryAHashOfTheConfigsTheyUse) {
  const Translation base = hashed("a1", "b1", "pw-one-123", "f1");
  const std::string web = configHash(base.objects, "web");
  const std::string api = configHash(base.objects, "api");
  EXPECT_TRUE(std::regex_match(web, std::regex("^[0-9a-f]{64}$"))) << web;
  EXPECT_TRUE(std::regex_match(api, std::regex("^[0-9a-f]{64}$"))) << api;
  EXPECT_NE(web, api);
  // Only external configs: nothing known to hash.
  EXPECT_EQ(configHash(base.objects, "worker"), "");
  // Deterministic.
  EXPECT_EQ(configHash(hashed("a1", "b1", "pw-one-123", "f1").objects, "web"), web);

  // A config's content: exactly the pods that mount it roll.
  const Translation changedA = hashed("a2", "b1", "pw-one-123", "f1");
  EXPECT_NE(configHash(changedA.objects, "web"), web);
  EXPECT_EQ(configHash(changedA.objects, "api"), api);
  const Translation changedB = hashed("a1", "b2", "pw-one-123", "f1");
  EXPECT_EQ(configHash(changedB.objects, "web"), web);
  EXPECT_NE(configHash(changedB.objects, "api"), api);
  // A bind-mounted file (a ConfigMap mounted with subPath).
  const Translation changedFile = hashed("a1", "b1", "pw-one-123", "f2");
  EXPECT_NE(configHash(changedFile.objects, "web"), web);
  EXPECT_EQ(configHash(changedFile.objects, "api"), api);
  // The -env Secret (secretKeyRef) and a mounted secret.
  const Translation changedPassword = hashed("a1", "b1", "pw-two-123", "f1");
  EXPECT_EQ(configHash(changedPassword.objects, "web"), web);
  EXPECT_NE(configHash(changedPassword.objects, "api"), api);
  const Translation changedToken = hashed("a1", "b1", "pw-one-123", "f1", "tok-7654321");
  EXPECT_EQ(configHash(changedToken.objects, "web"), web);
  EXPECT_NE(configHash(changedToken.objects, "api"), api);
  // Nothing else of the object changes: the hash sits on the pod template only.
  const Object deployment = findObject(changedA.objects, "Deployment", "web");
  EXPECT_FALSE(deployment["metadata"].contains("annotations") &&
               deployment["metadata"]["annotations"].contains("compose.operator.dev/config-hash"));
}

TEST(TranslationTest, TheConfigHashKeepsUserAnnotationsAndRevealsNoContent) {
  const Translation translation = translateOk(
      "services:\n  web:\n    image: nginx\n    configs: [a]\n    annotations:\n"
      "      example.com/note: kept\n"
      "configs:\n  a:\n    content: unique-config-text\n");
  const Object annotations = findObject(translation.objects, "Deployment",
                                        "web")["spec"]["template"]["metadata"]["annotations"];
  EXPECT_EQ(annotations["example.com/note"], "kept");
  ASSERT_TRUE(annotations.contains("compose.operator.dev/config-hash"));
  EXPECT_THAT(annotations.dump(), Not(HasSubstr("unique-config-text")));
}

}  // namespace
}  // namespace cop::translate
