// The ComposeStack spec as the operator reads it: defaults, every field, and errors that name
// the field (the CRD refuses most bad specs, but an older CRD may let them through).

#include "operator/stack/stack_spec.h"

#include <gtest/gtest.h>

namespace cop::stack {
namespace {

using Json = nlohmann::json;

TEST(StackSpec, DefaultsFollowTheCrd) {
  auto spec = parseStackSpec(Json{{"compose", "services: {}\n"}});
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->compose, "services: {}\n");
  EXPECT_EQ(spec->securityProfile, "restricted");
  EXPECT_EQ(spec->publish, "ClusterIP");
  EXPECT_EQ(spec->volumeRetention, VolumeRetention::kRetain);
  EXPECT_FALSE(spec->suspend);
}

TEST(StackSpec, ReadsEveryField) {
  const Json json = Json::parse(R"({
    "composeFrom": {"configMapKeyRef": {"name": "app-compose", "key": "compose.yaml"}},
    "overrides": ["services: {}"],
    "variables": {"TAG": "1.2"},
    "variablesFrom": [{"secretRef": {"name": "creds"}, "prefix": "APP_"},
                      {"configMapRef": {"name": "settings", "optional": true}}],
    "files": [{"path": "./db_password.txt", "secretKeyRef": {"name": "db", "key": "password"}}],
    "profiles": ["debug"], "images": {"api": "registry.example/api:1"},
    "securityProfile": "baseline", "publish": "LoadBalancer", "suspend": true,
    "volumeRetention": "Delete"})");
  auto spec = parseStackSpec(json);
  ASSERT_TRUE(spec) << spec.error();
  ASSERT_TRUE(spec->composeFrom);
  EXPECT_EQ(spec->composeFrom->name, "app-compose");
  EXPECT_EQ(spec->composeFrom->key, "compose.yaml");
  EXPECT_EQ(spec->overrides.size(), 1u);
  EXPECT_EQ(spec->variables.at("TAG"), "1.2");
  ASSERT_EQ(spec->variablesFrom.size(), 2u);
  EXPECT_EQ(spec->variablesFrom[0].kind, SourceKind::kSecret);
  EXPECT_EQ(spec->variablesFrom[0].prefix, "APP_");
  EXPECT_TRUE(spec->variablesFrom[1].optional);
  ASSERT_EQ(spec->files.size(), 1u);
  EXPECT_EQ(spec->files[0].source.kind, SourceKind::kSecret);
  EXPECT_EQ(spec->files[0].source.key, "password");
  EXPECT_EQ(spec->images.at("api"), "registry.example/api:1");
  EXPECT_EQ(spec->securityProfile, "baseline");
  EXPECT_EQ(spec->publish, "LoadBalancer");
  EXPECT_TRUE(spec->suspend);
  EXPECT_EQ(spec->volumeRetention, VolumeRetention::kDelete);
}

struct BadSpec {
  const char* spec;
  const char* field;  // the error must start with it
};

// Names each case by its field, so that the test names are stable between runs (the default
// printer shows the struct's bytes, which hold pointers).
void PrintTo(const BadSpec& bad, std::ostream* out) {
  *out << bad.field;
}

class StackSpecErrors : public testing::TestWithParam<BadSpec> {};

TEST_P(StackSpecErrors, NameTheField) {
  auto spec = parseStackSpec(Json::parse(GetParam().spec));
  ASSERT_FALSE(spec) << GetParam().spec;
  EXPECT_TRUE(spec.error().starts_with(GetParam().field)) << spec.error();
}

INSTANTIATE_TEST_SUITE_P(
    All, StackSpecErrors,
    testing::Values(
        BadSpec{R"({})", "spec: needs exactly one of compose and composeFrom"},
        BadSpec{
            R"({"compose": "a", "composeFrom": {"configMapKeyRef": {"name": "x", "key": "k"}}})",
            "spec: needs exactly one"},
        BadSpec{R"({"compose": 3})", "spec.compose"},
        BadSpec{R"({"composeFrom": {"configMapKeyRef": {"name": "Bad_Name", "key": "k"}}})",
                "spec.composeFrom.configMapKeyRef.name"},
        BadSpec{R"({"composeFrom": {"configMapKeyRef": {"name": "x", "key": "a/b"}}})",
                "spec.composeFrom.configMapKeyRef.key"},
        BadSpec{R"({"compose": "a", "variables": {"A": 1}})", "spec.variables.A"},
        BadSpec{R"({"compose": "a", "variablesFrom": [{}]})", "spec.variablesFrom[0]"},
        BadSpec{R"({"compose": "a", "variablesFrom": [{"secretRef": {"name": "a"},
                    "configMapRef": {"name": "b"}}]})",
                "spec.variablesFrom[0]: needs exactly one"},
        BadSpec{
            R"({"compose": "a", "files": [{"path": "x", "secretKeyRef": {"name": "s", "key": "k"}},
                    {"path": "x", "configMapKeyRef": {"name": "c", "key": "k"}}]})",
            "spec.files[1].path"},
        BadSpec{R"({"compose": "a", "securityProfile": "privileged"})", "spec.securityProfile"},
        BadSpec{R"({"compose": "a", "publish": "ExternalName"})", "spec.publish"},
        BadSpec{R"({"compose": "a", "volumeRetention": "Orphan"})", "spec.volumeRetention"},
        BadSpec{R"({"compose": "a", "suspend": "yes"})", "spec.suspend"},
        BadSpec{R"({"compose": "a", "overrides": ["1","2","3","4","5","6","7","8","9","10",
                    "11","12","13","14","15","16","17"]})",
                "spec.overrides"}));

TEST(StackName, IsADnsLabelOfAtMost40Characters) {
  EXPECT_TRUE(isValidStackName("blog"));
  EXPECT_TRUE(isValidStackName(std::string(kMaxStackNameLength, 'a')));
  EXPECT_FALSE(isValidStackName(std::string(kMaxStackNameLength + 1, 'a')));
  EXPECT_FALSE(isValidStackName("my.stack"));
  EXPECT_FALSE(isValidStackName("Blog"));
}

}  // namespace
}  // namespace cop::stack
