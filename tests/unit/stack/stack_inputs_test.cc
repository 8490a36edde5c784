// Gathering a stack's inputs from its Secrets and ConfigMaps (through a fake SourceObjects):
// envFrom precedence, Secret values kept apart, missing objects and keys named, optional
// sources, and every object read once.

#include "operator/stack/stack_inputs.h"

#include <gtest/gtest.h>

namespace cop::stack {
namespace {

class FakeSources final : public SourceObjects {
 public:
  std::map<std::pair<SourceKind, std::string>, Data> objects;
  std::map<std::pair<SourceKind, std::string>, int> reads;
  bool unreachable = false;

  Expected<std::optional<Data>, std::string> read(SourceKind kind, const std::string&,
                                                  const std::string& name) override {
    ++reads[{kind, name}];
    if (unreachable) {
      return Unexpected(std::string("connection refused"));
    }
    const auto found = objects.find({kind, name});
    if (found == objects.end()) {
      return std::optional<Data>();
    }
    return std::optional<Data>(found->second);
  }
};

StackSpec specWith(std::vector<VariableSource> sources) {
  StackSpec spec;
  spec.compose = "services: {}\n";
  spec.variablesFrom = std::move(sources);
  return spec;
}

TEST(StackInputs, LaterSourcesWinAndVariablesWinOverAll) {
  FakeSources sources;
  sources.objects[{SourceKind::kSecret, "creds"}] = {{"PASSWORD", "from-secret"},
                                                     {"USER", "admin"}};
  sources.objects[{SourceKind::kConfigMap, "settings"}] = {{"USER", "app"}, {"TAG", "1"}};
  StackSpec spec = specWith(
      {{SourceKind::kSecret, "creds", "", false}, {SourceKind::kConfigMap, "settings", "", false}});
  spec.variables = {{"TAG", "2"}};
  auto inputs = gatherInputs(spec, "shop", sources);
  ASSERT_TRUE(inputs) << inputs.error().message;
  EXPECT_EQ(inputs->environment.at("PASSWORD"), "from-secret");
  EXPECT_EQ(inputs->environment.at("USER"), "app");
  EXPECT_EQ(inputs->environment.at("TAG"), "2");
  // Only the value still from the Secret is secret.
  EXPECT_EQ(inputs->secretValues,
            (std::map<std::string, std::string>{{"PASSWORD", "from-secret"}}));
  ASSERT_EQ(inputs->composeFiles.size(), 1u);
  EXPECT_EQ(inputs->composeFiles[0].first, kComposeFileName);
}

TEST(StackInputs, PrefixesApply) {
  FakeSources sources;
  sources.objects[{SourceKind::kSecret, "creds"}] = {{"PASSWORD", "x"}};
  auto inputs =
      gatherInputs(specWith({{SourceKind::kSecret, "creds", "DB_", false}}), "shop", sources);
  ASSERT_TRUE(inputs);
  EXPECT_EQ(inputs->environment.count("DB_PASSWORD"), 1u);
  EXPECT_EQ(inputs->secretValues.count("DB_PASSWORD"), 1u);
}

TEST(StackInputs, AMissingSecretNamesTheFieldAndTheObjectAndIsTransient) {
  FakeSources sources;
  auto inputs =
      gatherInputs(specWith({{SourceKind::kSecret, "creds", "", false}}), "shop", sources);
  ASSERT_FALSE(inputs);
  EXPECT_EQ(inputs.error().code, "MissingSecret");
  EXPECT_TRUE(inputs.error().transient);
  EXPECT_NE(inputs.error().message.find("spec.variablesFrom[0]"), std::string::npos);
  EXPECT_NE(inputs.error().message.find("'creds'"), std::string::npos);
}

TEST(StackInputs, AnOptionalMissingSourceIsSkipped) {
  FakeSources sources;
  auto inputs =
      gatherInputs(specWith({{SourceKind::kConfigMap, "extra", "", true}}), "shop", sources);
  ASSERT_TRUE(inputs);
  EXPECT_TRUE(inputs->environment.empty());
}

TEST(StackInputs, AnUnreachableServerIsARetriableProblem) {
  FakeSources sources;
  sources.unreachable = true;
  auto inputs =
      gatherInputs(specWith({{SourceKind::kSecret, "creds", "", false}}), "shop", sources);
  ASSERT_FALSE(inputs);
  EXPECT_EQ(inputs.error().code, "SourceUnreadable");
}

TEST(StackInputs, ComposeFromAndFilesReadTheirKeysOnce) {
  FakeSources sources;
  sources.objects[{SourceKind::kConfigMap, "app"}] = {{"compose.yaml", "services: {}\n"},
                                                      {"site.conf", "a = b\n"}};
  sources.objects[{SourceKind::kSecret, "db"}] = {{"password", "hunter2-long"}};
  StackSpec spec;
  spec.composeFrom = KeyReference{SourceKind::kConfigMap, "app", "compose.yaml"};
  spec.overrides = {"services: {}\n"};
  spec.files = {{"./site.conf", {SourceKind::kConfigMap, "app", "site.conf"}},
                {"db.txt", {SourceKind::kSecret, "db", "password"}}};
  auto inputs = gatherInputs(spec, "shop", sources);
  ASSERT_TRUE(inputs) << inputs.error().message;
  ASSERT_EQ(inputs->composeFiles.size(), 2u);
  EXPECT_EQ(inputs->composeFiles[0].second, "services: {}\n");
  EXPECT_EQ(inputs->composeFiles[1].first, overrideFileName(0));
  EXPECT_EQ(inputs->files.at("./site.conf"), "a = b\n");
  EXPECT_EQ(inputs->files.at("db.txt"), "hunter2-long");
  // The Secret-mapped file's content is secret; the ConfigMap's is not.
  bool found = false;
  for (const auto& [name, value] : inputs->secretValues) {
    found = found || value == "hunter2-long";
    EXPECT_NE(value, "a = b\n");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ((sources.reads[{SourceKind::kConfigMap, "app"}]), 1);
}

TEST(StackInputs, AMissingKeyIsNamed) {
  FakeSources sources;
  sources.objects[{SourceKind::kConfigMap, "app"}] = {{"other", "x"}};
  StackSpec spec;
  spec.composeFrom = KeyReference{SourceKind::kConfigMap, "app", "compose.yaml"};
  auto inputs = gatherInputs(spec, "shop", sources);
  ASSERT_FALSE(inputs);
  EXPECT_EQ(inputs.error().code, "MissingKey");
  EXPECT_NE(inputs.error().message.find("spec.composeFrom.configMapKeyRef"), std::string::npos);
  EXPECT_NE(inputs.error().message.find("'compose.yaml'"), std::string::npos);
}

TEST(StackInputs, SourceReferencesListEachObjectOnce) {
  StackSpec spec = specWith(
      {{SourceKind::kSecret, "creds", "", false}, {SourceKind::kSecret, "creds", "B_", false}});
  spec.composeFrom = KeyReference{SourceKind::kConfigMap, "app", "compose.yaml"};
  spec.files = {{"x", {SourceKind::kConfigMap, "app", "x"}}};
  const auto refs = sourceReferences(spec);
  ASSERT_EQ(refs.size(), 2u);
}

}  // namespace
}  // namespace cop::stack
