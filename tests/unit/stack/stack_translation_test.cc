// One stack through load -> translate in memory: the ComposeStack's name wins over `name:`,
// only mapped files exist (with a hint when one is missing), load failures get codes, the
// operator's own environment never leaks in, and Secret-sourced values stay in Secrets.

#include "operator/stack/stack_translation.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace cop::stack {
namespace {

StackInputs inputsOf(std::string compose) {
  StackInputs inputs;
  inputs.composeFiles.emplace_back(kComposeFileName, std::move(compose));
  return inputs;
}

const StackIdentity kIdentity{"blog", "shop"};

TEST(StackTranslation, TheStacksNameWinsOverTheProjectName) {
  StackSpec spec;
  auto translation = translateInputs(
      kIdentity, spec, inputsOf("name: other\nservices:\n  web:\n    image: nginx:1\n"));
  ASSERT_TRUE(translation) << translation.error().where.format();
  for (const auto& object : translation->objects) {
    EXPECT_EQ(object["metadata"]["namespace"], "shop");
    EXPECT_EQ(object["metadata"]["labels"]["compose.operator.dev/stack"], "blog") << object.dump();
  }
  ASSERT_EQ(translation->services.size(), 1u);
  EXPECT_EQ(translation->services[0].workloadKind, "Deployment");
}

TEST(StackTranslation, AnUnmappedSecretFileSaysHowToProvideIt) {
  StackSpec spec;
  auto translation =
      translateInputs(kIdentity, spec,
                      inputsOf("services:\n  db:\n    image: postgres:16\n    secrets: [pw]\n"
                               "secrets:\n  pw:\n    file: ./db_password.txt\n"));
  ASSERT_FALSE(translation);
  EXPECT_EQ(translation.error().code, kCodeUnmappedFile);
  const std::string message = translation.error().where.format();
  EXPECT_NE(message.find("spec.files"), std::string::npos) << message;
  EXPECT_NE(message.find("db_password.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("secrets.pw"), std::string::npos) << message;
}

TEST(StackTranslation, AMappedSecretFileIsRead) {
  StackSpec spec;
  StackInputs inputs = inputsOf(
      "services:\n  db:\n    image: postgres:16\n    secrets: [pw]\n"
      "secrets:\n  pw:\n    file: ./db_password.txt\n");
  inputs.files["./db_password.txt"] = "correct-horse";
  auto translation = translateInputs(kIdentity, spec, inputs);
  ASSERT_TRUE(translation) << translation.error().where.format();
  bool inSecret = false;
  for (const auto& object : translation->objects) {
    const std::string text = object.dump();
    if (object["kind"] == "Secret") {
      inSecret = inSecret || text.find("Y29ycmVjdC1ob3JzZQ") != std::string::npos;  // base64
    } else {
      EXPECT_EQ(text.find("correct-horse"), std::string::npos) << text;
    }
  }
  EXPECT_TRUE(inSecret);
}

TEST(StackTranslation, AMissingRequiredVariableHasItsCode) {
  StackSpec spec;
  auto translation = translateInputs(
      kIdentity, spec, inputsOf("services:\n  web:\n    image: nginx:${TAG:?set TAG}\n"));
  ASSERT_FALSE(translation);
  EXPECT_EQ(translation.error().code, kCodeMissingVariable);
  EXPECT_EQ(translation.error().service, "web");
  EXPECT_EQ(translation.error().where.file, kComposeFileName);
}

TEST(StackTranslation, InvalidYamlIsInvalidCompose) {
  StackSpec spec;
  auto translation = translateInputs(kIdentity, spec, inputsOf("services:\n  web: [\n"));
  ASSERT_FALSE(translation);
  EXPECT_EQ(translation.error().code, kCodeInvalidCompose);
}

TEST(StackTranslation, TheOperatorsEnvironmentNeverLeaksIn) {
  ::setenv("COP_TEST_LEAK", "leaked-value", 1);
  StackSpec spec;
  auto translation =
      translateInputs(kIdentity, spec,
                      inputsOf("services:\n  web:\n    image: nginx:1\n    environment:\n"
                               "      A: ${COP_TEST_LEAK:-unset}\n"));
  ::unsetenv("COP_TEST_LEAK");
  ASSERT_TRUE(translation);
  for (const auto& object : translation->objects) {
    EXPECT_EQ(object.dump().find("leaked-value"), std::string::npos);
  }
}

TEST(StackTranslation, SecretVariablesReachOnlySecrets) {
  StackSpec spec;
  StackInputs inputs =
      inputsOf("services:\n  web:\n    image: nginx:1\n    environment:\n      MODE: ${MODE}\n");
  inputs.environment["MODE"] = "q7Z";  // short, and its name says nothing of credentials
  inputs.secretValues["MODE"] = "q7Z";
  auto translation = translateInputs(kIdentity, spec, inputs);
  ASSERT_TRUE(translation) << translation.error().where.format();
  for (const auto& object : translation->objects) {
    if (object["kind"] == "Deployment") {
      for (const auto& env : object["spec"]["template"]["spec"]["containers"][0]["env"]) {
        EXPECT_FALSE(env.contains("value") && env["value"] == "q7Z") << env.dump();
      }
    }
  }
}

TEST(StackTranslation, PublishSetsTheServiceType) {
  StackSpec spec;
  spec.publish = "NodePort";
  auto translation = translateInputs(
      kIdentity, spec, inputsOf("services:\n  web:\n    image: nginx:1\n    ports: ['8080:80']\n"));
  ASSERT_TRUE(translation);
  bool nodePort = false;
  for (const auto& object : translation->objects) {
    nodePort =
        nodePort || (object["kind"] == "Service" && object["spec"].value("type", "") == "NodePort");
  }
  EXPECT_TRUE(nodePort);
}

}  // namespace
}  // namespace cop::stack
