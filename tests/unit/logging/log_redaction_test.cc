#include "operator/logging/log_redaction.h"

#include <gtest/gtest.h>

namespace cop::logging {
namespace {

TEST(IsSecretFieldName, CredentialNamesAndSecretPayloads) {
  for (const char* name :
       {"token", "password", "bearerToken", "Authorization", "client-key", "clientKeyData",
        "secret", "data", "stringData", "Cookie", "DB_PASSWORD", "apiKey"}) {
    EXPECT_TRUE(isSecretFieldName(name)) << name;
  }
  for (const char* name : {"controller", "namespace", "name", "reconcileID", "error", "checker",
                           "signal", "resourceVersion", "metadata"}) {
    EXPECT_FALSE(isSecretFieldName(name)) << name;
  }
}

TEST(RedactText, AuthorizationSchemes) {
  EXPECT_EQ(redactText("Authorization: Bearer abc.def-123456"),
            "Authorization: Bearer <redacted: a bearer credential>");
  EXPECT_EQ(redactText("bearer   abcdef123456 rest"),
            "bearer   <redacted: a bearer credential> rest");
  EXPECT_EQ(redactText("Basic dXNlcjpwYXNzd29yZA=="), "Basic <redacted: a basic credential>");
  // Prose is left alone.
  EXPECT_EQ(redactText("uses basic auth"), "uses basic auth");
  EXPECT_EQ(redactText("a bearer token is required"), "a bearer token is required");
}

TEST(RedactText, UsesTheRepositoryShapes) {
  EXPECT_EQ(redactText("dial redis://:s3cretpass@cache:6379"),
            "dial <redacted: a URL with a password>");
  EXPECT_EQ(redactText("key -----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
            "key <redacted: a PEM private key>");
}

TEST(RedactValue, NestedObjectsAndArrays) {
  const nlohmann::json value = {
      {"kind", "Secret"},
      {"data", {{"a", "b"}}},
      {"list", {"ok", "Bearer abcdefghijkl"}},
      {"nested", {{"password", 1}, {"port", 80}}},
  };
  const nlohmann::json out = redactValue(value);
  EXPECT_EQ(out["kind"], "Secret");
  EXPECT_EQ(out["data"], kRedacted);
  EXPECT_EQ(out["list"][1], "Bearer <redacted: a bearer credential>");
  EXPECT_EQ(out["nested"]["password"], kRedacted);
  EXPECT_EQ(out["nested"]["port"], 80);
}

}  // namespace
}  // namespace cop::logging
