#include "operator/translate/names.h"

#include <gtest/gtest.h>

namespace cop::translate {
namespace {

TEST(NamesTest, SanitisesToDns1035Labels) {
  EXPECT_EQ(sanitizeName("web"), "web");
  EXPECT_EQ(sanitizeName("My_Service"), "my-service");
  EXPECT_EQ(sanitizeName("worker.v2"), "worker-v2");
  EXPECT_EQ(sanitizeName("--x--"), "x");
  EXPECT_EQ(sanitizeName("2048"), "s-2048");
  const std::string longName(80, 'a');
  const std::string sanitized = sanitizeName(longName);
  EXPECT_EQ(sanitized.size(), 63u);
  EXPECT_TRUE(isDns1035Label(sanitized));
  EXPECT_NE(sanitizeName(longName + "b"), sanitized);  // the hash keeps long names apart
  EXPECT_EQ(sanitizeName(longName), sanitized);        // and is stable
  EXPECT_TRUE(isDns1035Label(sanitizeName("___")));
}

TEST(NamesTest, ValidatesLabelsAndKeys) {
  EXPECT_TRUE(isQualifiedName("app.kubernetes.io/name"));
  EXPECT_TRUE(isQualifiedName("com.example.description"));
  EXPECT_FALSE(isQualifiedName("has space"));
  EXPECT_FALSE(isQualifiedName("Bad_Prefix/x"));
  EXPECT_FALSE(isQualifiedName(std::string(64, 'a')));
  EXPECT_TRUE(isLabelValue(""));
  EXPECT_TRUE(isLabelValue("v1.2_x-y"));
  EXPECT_FALSE(isLabelValue("two words"));
  EXPECT_FALSE(isLabelValue("a/b"));
  EXPECT_TRUE(isDns1123Subdomain("a.b-c"));
  EXPECT_FALSE(isDns1123Subdomain("a..b"));
  EXPECT_EQ(sanitizeConfigKey("my key"), "my_key");
}

TEST(NamesTest, RegistryRejectsCollisions) {
  NameRegistry registry;
  EXPECT_TRUE(registry.claim("Service", "web", "service 'web'", {}));
  EXPECT_TRUE(registry.claim("Service", "web", "service 'web'", {}));  // the same owner again
  auto clash = registry.claim("Service", "web", "alias 'web' of service 'api'", {});
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find("both become"), std::string::npos);
}

}  // namespace
}  // namespace cop::translate
