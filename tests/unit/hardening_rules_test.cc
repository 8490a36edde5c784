// Hardening and safety rules that no other test could tell apart from their absence. A
// mutation survey (tests/MUTATION-SURVEY.md) deleted each rule of the translator and loader in
// turn and ran the unit, golden and corpus tests; these are the rules whose deletion left every
// test green. Each test here fails when its rule is deleted (checked by re-running the survey).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using testing::convertText;
using ::testing::HasSubstr;
using testing::joinWarnings;
using testing::loadText;
using ::testing::Not;

// --- translator: host namespaces beyond network, pid and ipc ----------------------------------

struct HostNamespace {
  std::string key;
};

void PrintTo(const HostNamespace& mode, std::ostream* out) {
  *out << mode.key;
}

class HostNamespaceTest : public ::testing::TestWithParam<HostNamespace> {};

// Each namespace key has its own test: deleting the check for one of them must show.
TEST_P(HostNamespaceTest, HostIsRejectedWithItsField) {
  const std::string& key = GetParam().key;
  auto converted = convertText("services:\n  tool:\n    image: x\n    " + key + ": host\n");
  ASSERT_FALSE(converted.objects) << key << ": host was accepted";
  const Error& error = converted.objects.error();
  EXPECT_EQ(error.path, "services.tool." + key);
  EXPECT_EQ(error.file, "compose.yaml");
  EXPECT_EQ(error.line, 4);
  EXPECT_THAT(error.message, HasSubstr("host is not allowed"));
}

INSTANTIATE_TEST_SUITE_P(Hardening, HostNamespaceTest,
                         ::testing::Values(HostNamespace{"uts"}, HostNamespace{"userns_mode"},
                                           HostNamespace{"cgroup"}),
                         [](const auto& info) { return info.param.key; });

// --- translator: label and annotation keys Kubernetes would refuse ---------------------------

// An invalid key is left out with a warning; the stack still converts (rather than failing in
// the metadata check, or at the API server).
TEST(HardeningRulesTest, InvalidLabelAndAnnotationKeysAreIgnoredWithAWarning) {
  auto converted = convertText(
      "services:\n  web:\n    image: x\n"
      "    labels: {'bad key!': v, good: v}\n"
      "    annotations: {'other bad/key/x': v, fine: v}\n");
  ASSERT_TRUE(converted.objects) << converted.objects.error().format();
  const Object deployment = testing::findObject(*converted.objects, "Deployment", "web");
  ASSERT_FALSE(deployment.is_null());
  const Object& meta = deployment["spec"]["template"]["metadata"];
  EXPECT_EQ(meta["labels"].value("good", ""), "v");
  EXPECT_FALSE(meta["labels"].contains("bad key!"));
  EXPECT_EQ(meta["annotations"].value("fine", ""), "v");
  EXPECT_FALSE(meta.value("annotations", Object::object()).contains("other bad/key/x"));
  const std::string warnings = joinWarnings(converted.warnings);
  EXPECT_THAT(warnings, HasSubstr("services.web.labels: 'bad key!' is not a valid"));
  EXPECT_THAT(warnings, HasSubstr("services.web.annotations: 'other bad/key/x' is not a valid"));
}

// --- loader: limits on what a file may hold and how deep references go ------------------------

TEST(HardeningRulesTest, AComposeFileWithANulByteIsRefused) {
  Warnings warnings;
  auto project = loadText(std::string("services:\n  web:\n    image: x\0y\n", 32), warnings);
  ASSERT_FALSE(project);
  EXPECT_EQ(project.error().file, "compose.yaml");
  EXPECT_THAT(project.error().message, HasSubstr("NUL byte"));
}

// Bind-mounted files become ConfigMaps, so they are bounded (256 KiB) like any object data.
TEST(HardeningRulesTest, ABindMountedFileOverTheSizeLimitIsRefused) {
  const std::string compose =
      "services:\n  web:\n    image: x\n    volumes: ['./big.conf:/etc/big.conf:ro']\n";
  auto small = convertText(compose, {}, {{"big.conf", std::string(256 * 1024, 'x')}});
  ASSERT_TRUE(small.objects) << small.objects.error().format();
  auto big = convertText(compose, {}, {{"big.conf", std::string(256 * 1024 + 1, 'x')}});
  ASSERT_FALSE(big.objects) << "a bind-mounted file over 256 KiB became a ConfigMap";
  EXPECT_EQ(big.objects.error().path, "services.web.volumes[0]");
  EXPECT_EQ(big.objects.error().line, 4);
}

// A chain of `extends` one longer than the limit (64) is refused; one at the limit loads. The
// deepest service comes first, so that the whole chain is resolved in one go.
TEST(HardeningRulesTest, ExtendsChainsAreBounded) {
  auto chain = [](int links) {
    std::string compose = "services:\n";
    for (int i = links; i >= 1; --i) {
      compose += "  s" + std::to_string(i) + ":\n    extends: s" + std::to_string(i - 1) + "\n";
    }
    return compose + "  s0:\n    image: x\n";
  };
  Warnings warnings;
  auto atLimit = loadText(chain(63), warnings);
  ASSERT_TRUE(atLimit) << atLimit.error().format();
  auto tooLong = loadText(chain(70), warnings);
  ASSERT_FALSE(tooLong);
  EXPECT_THAT(tooLong.error().message, HasSubstr("extends chain longer than 64"));
  EXPECT_EQ(tooLong.error().file, "compose.yaml");
}

// `include` nested one deeper than the limit (16) is refused, naming the including file.
TEST(HardeningRulesTest, IncludeNestingIsBounded) {
  auto nested = [](int depth) {
    std::map<std::string, std::string> files;
    for (int i = 1; i <= depth; ++i) {
      const std::string next =
          i < depth ? "include: [inc" + std::to_string(i + 1) + ".yaml]\n" : "";
      files["inc" + std::to_string(i) + ".yaml"] =
          next + "services:\n  s" + std::to_string(i) + ":\n    image: x\n";
    }
    return files;
  };
  const std::string main = "include: [inc1.yaml]\nservices:\n  web:\n    image: x\n";
  Warnings warnings;
  auto atLimit = loadText(main, warnings, nested(15));
  ASSERT_TRUE(atLimit) << atLimit.error().format();
  EXPECT_EQ(atLimit->services.size(), 16u);
  auto tooDeep = loadText(main, warnings, nested(20));
  ASSERT_FALSE(tooDeep);
  EXPECT_THAT(tooDeep.error().message, HasSubstr("includes nested deeper than 16"));
  EXPECT_EQ(tooDeep.error().path, "include");
}

}  // namespace
}  // namespace cop::translate
