// Kubeconfig parsing, merging, precedence and in-cluster configuration (kube-runtime.md §6.1,
// §6.2, §6.4; checklist §10 item 17).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/client/config_loader.h"
#include "operator/client/kubeconfig_merge.h"
#include "operator/client/kubeconfig_parser.h"
#include "operator/common/base64.h"

namespace cop::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecretToken = "s3cr3t-t0ken-value";
constexpr const char* kKeyPem =
    "-----BEGIN PRIVATE KEY-----\nKEYBYTES42\n-----END PRIVATE KEY-----\n";
constexpr const char* kCertPem =
    "-----BEGIN CERTIFICATE-----\nCERTBYTES\n-----END CERTIFICATE-----\n";

std::string minimal(const std::string& cluster, const std::string& server, const std::string& user,
                    const std::string& userBody, const std::string& context,
                    const std::string& current) {
  std::string text = "apiVersion: v1\nkind: Config\nclusters:\n- name: " + cluster +
                     "\n  cluster:\n    server: " + server + "\nusers:\n- name: " + user +
                     "\n  user:\n" + userBody + "contexts:\n- name: " + context +
                     "\n  context:\n    cluster: " + cluster + "\n    user: " + user + "\n";
  if (!current.empty()) {
    text += "current-context: " + current + "\n";
  }
  return text;
}

TEST(KubeconfigParserTest, ReadsEveryField) {
  const std::string text =
      "apiVersion: v1\n"
      "kind: Config\n"
      "preferences: {colors: true}\n"
      "clusters:\n"
      "- name: prod\n"
      "  cluster:\n"
      "    server: https://prod.example:6443\n"
      "    certificate-authority-data: " +
      base64Encode("CA-PEM") +
      "\n"
      "    tls-server-name: api.internal\n"
      "    proxy-url: http://proxy:3128\n"
      "users:\n"
      "- name: admin\n"
      "  user:\n"
      "    client-certificate-data: " +
      base64Encode(kCertPem) +
      "\n"
      "    client-key-data: " +
      base64Encode(kKeyPem) +
      "\n"
      "    token: " +
      kSecretToken +
      "\n"
      "- name: plugin\n"
      "  user:\n"
      "    exec:\n"
      "      apiVersion: client.authentication.k8s.io/v1\n"
      "      command: aws\n"
      "      args: [eks, get-token]\n"
      "      env: [{name: AWS_PROFILE, value: prod}]\n"
      "      installHint: install the aws cli\n"
      "      provideClusterInfo: true\n"
      "      interactiveMode: Never\n"
      "contexts:\n"
      "- name: main\n"
      "  context: {cluster: prod, user: admin, namespace: shop}\n"
      "current-context: main\n";
  auto config = parseKubeconfig(text, "/home/u/.kube/config");
  ASSERT_TRUE(config) << config.error().format();
  const ClusterEntry& prod = config->clusters.at("prod");
  EXPECT_EQ(prod.server, "https://prod.example:6443");
  EXPECT_EQ(prod.certificateAuthorityData, "CA-PEM");
  EXPECT_EQ(prod.tlsServerName, "api.internal");
  EXPECT_EQ(prod.proxyUrl, "http://proxy:3128");
  EXPECT_FALSE(prod.insecureSkipTlsVerify);
  const UserEntry& admin = config->users.at("admin");
  EXPECT_EQ(admin.clientCertificateData, kCertPem);
  EXPECT_EQ(admin.clientKeyData, kKeyPem);
  EXPECT_EQ(admin.token, kSecretToken);
  const ExecConfig& exec = config->users.at("plugin").exec.value();
  EXPECT_EQ(exec.apiVersion, "client.authentication.k8s.io/v1");
  EXPECT_EQ(exec.command, "aws");
  EXPECT_EQ(exec.args, (std::vector<std::string>{"eks", "get-token"}));
  ASSERT_EQ(exec.env.size(), 1u);
  EXPECT_EQ(exec.env[0].name, "AWS_PROFILE");
  EXPECT_EQ(exec.env[0].value, "prod");
  EXPECT_EQ(exec.installHint, "install the aws cli");
  EXPECT_TRUE(exec.provideClusterInfo);
  EXPECT_EQ(exec.interactiveMode, InteractiveMode::kNever);
  EXPECT_EQ(config->contexts.at("main").namespaceName, "shop");
  EXPECT_EQ(config->currentContext, "main");
}

TEST(KubeconfigParserTest, RelativePathsResolveAgainstTheFilesDirectory) {
  const std::string text =
      "clusters:\n- name: c\n  cluster: {server: https://x, certificate-authority: ca.crt}\n"
      "users:\n- name: u\n  user:\n    client-certificate: certs/u.crt\n"
      "    client-key: /abs/u.key\n    tokenFile: ../tok\n"
      "- name: e1\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "
      "./bin/plugin}\n"
      "- name: e2\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: "
      "plugin}\n";
  auto config = parseKubeconfig(text, "/etc/kube/team.yaml");
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->clusters.at("c").certificateAuthority, "/etc/kube/ca.crt");
  EXPECT_EQ(config->users.at("u").clientCertificate, "/etc/kube/certs/u.crt");
  EXPECT_EQ(config->users.at("u").clientKey, "/abs/u.key");
  EXPECT_EQ(config->users.at("u").tokenFile, "/etc/kube/../tok");
  // client-go resolves the command only when it holds a path separator.
  EXPECT_EQ(config->users.at("e1").exec->command, "/etc/kube/./bin/plugin");
  EXPECT_EQ(config->users.at("e2").exec->command, "plugin");
  // v1beta1 defaults interactiveMode to IfAvailable.
  EXPECT_EQ(config->users.at("e2").exec->interactiveMode, InteractiveMode::kIfAvailable);
}

TEST(KubeconfigParserTest, EmptyFileIsAnEmptyConfig) {
  auto config = parseKubeconfig("", "k");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->empty());
}

TEST(KubeconfigParserTest, InvalidYamlNamesTheFileAndLine) {
  auto config = parseKubeconfig("clusters:\n- name: a\n  cluster: [unclosed\n", "/k/bad.yaml");
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().file, "/k/bad.yaml");
  EXPECT_GT(config.error().line, 0);
  EXPECT_THAT(config.error().message, HasSubstr("invalid YAML"));
}

TEST(KubeconfigParserTest, StructuralErrorsNameTheField) {
  struct Case {
    std::string text;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"- a\n", ""},
      {"clusters: {a: 1}\n", "clusters"},
      {"clusters:\n- cluster: {server: x}\n", "clusters[0].name"},
      {"clusters:\n- name: a\n", "clusters[0].cluster"},
      {"clusters:\n- name: a\n  cluster: {server: x, insecure-skip-tls-verify: maybe}\n",
       "clusters[0].cluster.insecure-skip-tls-verify"},
      {"clusters:\n- name: a\n  cluster: {server: x}\n- name: a\n  cluster: {server: y}\n",
       "clusters[1].name"},
      {"users:\n- name: u\n  user: {exec: {command: x}}\n", "users[0].user.exec.apiVersion"},
      {"users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1}}\n",
       "users[0].user.exec.command"},
      {"users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1, "
       "command: x}}\n",
       "users[0].user.exec.interactiveMode"},
      {"users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, "
       "command: x, interactiveMode: Sometimes}}\n",
       "users[0].user.exec.interactiveMode"},
      {"users:\n- name: u\n  user: {exec: {apiVersion: client.authentication.k8s.io/v2, "
       "command: x}}\n",
       "users[0].user.exec.apiVersion"},
      {"users:\n- name: u\n  user: {auth-provider: {name: gcp}}\n", "users[0].user.auth-provider"},
      {"users:\n- name: u\n  user: {username: a, password: b}\n", "users[0].user.username"},
      {"users:\n- name: u\n  user: {client-key-data: '!!notbase64'}\n",
       "users[0].user.client-key-data"},
      {"contexts:\n- name: c\n  context: {cluster: [a]}\n", "contexts[0].context.cluster"},
  };
  for (const Case& c : cases) {
    auto config = parseKubeconfig(c.text, "/k/config");
    ASSERT_FALSE(config) << c.text;
    EXPECT_EQ(config.error().path, c.path) << c.text << "\n" << config.error().format();
    EXPECT_EQ(config.error().file, "/k/config");
    EXPECT_GT(config.error().line, 0) << c.text;
  }
}

TEST(KubeconfigMergeTest, FirstFileToSetANameWinsEntirely) {
  auto first = parseKubeconfig(minimal("c", "https://first", "u", "    token: first\n", "ctx", ""),
                               "/a/one");
  auto second = parseKubeconfig(
      minimal("c", "https://second", "u",
              "    token: second\n    client-certificate-data: " + base64Encode("C") +
                  "\n    client-key-data: " + base64Encode("K") + "\n",
              "ctx2", "ctx2") +
          "",
      "/b/two");
  ASSERT_TRUE(first && second);
  const Kubeconfig merged = mergeKubeconfigs({*first, *second});
  EXPECT_EQ(merged.clusters.at("c").server, "https://first");
  // The later same-named user is ignored, even the fields the first did not set.
  EXPECT_EQ(merged.users.at("u").token, "first");
  EXPECT_TRUE(merged.users.at("u").clientCertificateData.empty());
  EXPECT_TRUE(merged.contexts.contains("ctx"));
  EXPECT_TRUE(merged.contexts.contains("ctx2"));
  // current-context comes from the first file that sets it (here the second).
  EXPECT_EQ(merged.currentContext, "ctx2");
  EXPECT_EQ(merged.currentContextFile, "/b/two");
}

TEST(KubeconfigMergeTest, CurrentContextFromTheFirstFileThatSetsIt) {
  auto a = parseKubeconfig("current-context: a\n", "/a");
  auto b = parseKubeconfig("current-context: b\n", "/b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(mergeKubeconfigs({*a, *b}).currentContext, "a");
  EXPECT_EQ(mergeKubeconfigs({*b, *a}).currentContext, "b");
}

class ConfigLoaderTest : public ::testing::Test {
 protected:
  MemoryFiles files_;
  std::map<std::string, std::string> env_;

  Result<RestConfig> load(ConfigOverrides overrides = {}) {
    MapEnvironment env(env_);
    return loadRestConfig(overrides, env, files_);
  }
  void addInCluster() {
    env_["KUBERNETES_SERVICE_HOST"] = "10.0.0.1";
    env_["KUBERNETES_SERVICE_PORT"] = "443";
    files_.add(kServiceAccountToken, std::string(kSecretToken) + "\n");
    files_.add(kServiceAccountCa, "SA-CA");
    files_.add(kServiceAccountNamespace, "operators\n");
  }
};

TEST_F(ConfigLoaderTest, ExplicitPathWinsOverEverything) {
  files_.add("/explicit", minimal("c", "https://explicit", "u", "    token: t\n", "x", "x"));
  files_.add("/env", minimal("c", "https://env", "u", "    token: t\n", "x", "x"));
  files_.add("/home/me/.kube/config",
             minimal("c", "https://home", "u", "    token: t\n", "x", "x"));
  env_["KUBECONFIG"] = "/env";
  env_["HOME"] = "/home/me";
  addInCluster();
  auto config = load({"/explicit", ""});
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->server, "https://explicit");
  EXPECT_EQ(config->source, "kubeconfig /explicit, context x");
}

TEST_F(ConfigLoaderTest, ExplicitPathMissingIsAnError) {
  files_.add("/env", minimal("c", "https://env", "u", "    token: t\n", "x", "x"));
  env_["KUBECONFIG"] = "/env";
  auto config = load({"/nope", ""});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().file, "/nope");
}

TEST_F(ConfigLoaderTest, KubeconfigListMergesSkipsMissingAndBeatsInCluster) {
  files_.add("/a", minimal("ca", "https://a", "ua", "    token: ta\n", "ctx-a", ""));
  files_.add("/b", minimal("cb", "https://b", "ub", "    token: tb\n", "ctx-b", "ctx-a"));
  env_["KUBECONFIG"] = "/missing::/a:/b:/a";
  addInCluster();
  auto config = load();
  ASSERT_TRUE(config) << config.error().format();
  // current-context from /b names a context from /a.
  EXPECT_EQ(config->server, "https://a");
  EXPECT_EQ(config->bearerToken, "ta");
  EXPECT_EQ(config->namespaceName, kDefaultNamespace);
}

TEST(KubeconfigListTest, SplitsOnColonsDroppingEmptiesAndDuplicates) {
  EXPECT_EQ(splitKubeconfigList("/a::/b:/a:"), (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(splitKubeconfigList(":"), std::vector<std::string>{});
  EXPECT_EQ(splitKubeconfigList("rel/x"), std::vector<std::string>{"rel/x"});
}

TEST_F(ConfigLoaderTest, KubeconfigListWithNothingReadableIsAnError) {
  env_["KUBECONFIG"] = "/missing";
  addInCluster();
  auto config = load();
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().path, "KUBECONFIG");
}

TEST_F(ConfigLoaderTest, InClusterComesBeforeTheHomeFile) {
  env_["HOME"] = "/home/me";
  files_.add("/home/me/.kube/config",
             minimal("c", "https://home", "u", "    token: t\n", "x", "x"));
  addInCluster();
  auto config = load();
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->server, "https://10.0.0.1:443");
  EXPECT_EQ(config->bearerToken, kSecretToken);
  EXPECT_EQ(config->tokenFile, kServiceAccountToken);
  EXPECT_EQ(config->caPem, "SA-CA");
  EXPECT_EQ(config->caFile, kServiceAccountCa);
  EXPECT_EQ(config->namespaceName, "operators");
  EXPECT_EQ(config->source, "in-cluster");
}

TEST_F(ConfigLoaderTest, InClusterBracketsAnIpv6Host) {
  addInCluster();
  env_["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  auto config = load();
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
}

TEST_F(ConfigLoaderTest, InClusterWithoutATokenFallsThroughToTheHomeFile) {
  env_["KUBERNETES_SERVICE_HOST"] = "10.0.0.1";
  env_["KUBERNETES_SERVICE_PORT"] = "443";
  env_["HOME"] = "/home/me";
  files_.add("/home/me/.kube/config",
             minimal("c", "https://home", "u", "    token: t\n", "x", "x"));
  auto config = load();
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->server, "https://home");
}

TEST_F(ConfigLoaderTest, HomeFileIsTheLastResort) {
  env_["HOME"] = "/home/me/";
  files_.add("/home/me/.kube/config",
             minimal("c", "https://home", "u", "    token: t\n", "x", "x"));
  auto config = load();
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->server, "https://home");
}

TEST_F(ConfigLoaderTest, NothingAtAllIsAnError) {
  env_["HOME"] = "/home/me";
  auto config = load();
  ASSERT_FALSE(config);
  EXPECT_THAT(config.error().message, HasSubstr("/home/me/.kube/config"));
}

TEST_F(ConfigLoaderTest, ContextOverrideAndErrors) {
  files_.add("/k", minimal("c", "https://c", "u", "    token: t\n", "one", "") +
                       "- name: two\n  context: {cluster: c, user: u, namespace: ns2}\n"
                       "- name: lost\n  context: {cluster: nowhere, user: u}\n"
                       "- name: nouser\n  context: {cluster: c, user: ghost}\n"
                       "current-context: one\n");
  auto one = load({"/k", ""});
  ASSERT_TRUE(one) << one.error().format();
  EXPECT_EQ(one->namespaceName, kDefaultNamespace);
  auto two = load({"/k", "two"});
  ASSERT_TRUE(two) << two.error().format();
  EXPECT_EQ(two->namespaceName, "ns2");
  auto missing = load({"/k", "three"});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("\"three\""));
  auto lost = load({"/k", "lost"});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().path, "contexts[2].context.cluster");
  EXPECT_EQ(lost.error().file, "/k");
  auto nouser = load({"/k", "nouser"});
  ASSERT_FALSE(nouser);
  EXPECT_EQ(nouser.error().path, "contexts[3].context.user");
}

TEST_F(ConfigLoaderTest, NoCurrentContextIsAnError) {
  files_.add("/k", minimal("c", "https://c", "u", "    token: t\n", "one", ""));
  auto config = load({"/k", ""});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().path, "current-context");
}

TEST_F(ConfigLoaderTest, ClusterWithoutServerIsAnError) {
  files_.add("/k", minimal("c", "''", "u", "    token: t\n", "one", "one"));
  auto config = load({"/k", ""});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().path, "clusters[0].cluster.server");
}

TEST_F(ConfigLoaderTest, ReadsCaAndClientCertificateFilesRelativeToTheKubeconfig) {
  files_.add("/etc/kube/config",
             "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: ca.pem}\n"
             "users:\n- name: u\n  user: {client-certificate: u.crt, client-key: u.key, "
             "tokenFile: tok}\n"
             "contexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n");
  files_.add("/etc/kube/ca.pem", "CA-FILE");
  files_.add("/etc/kube/u.crt", kCertPem);
  files_.add("/etc/kube/u.key", kKeyPem);
  auto config = load({"/etc/kube/config", ""});
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_EQ(config->caPem, "CA-FILE");
  EXPECT_EQ(config->caFile, "/etc/kube/ca.pem");
  EXPECT_EQ(config->clientCertificatePem, kCertPem);
  EXPECT_EQ(config->clientKeyPem, kKeyPem);
  EXPECT_EQ(config->tokenFile, "/etc/kube/tok");  // re-read later, as it rotates
  EXPECT_TRUE(config->bearerToken.empty());
  EXPECT_FALSE(config->insecureSkipTlsVerify);
}

TEST_F(ConfigLoaderTest, InsecureOnlyWhenTheKubeconfigAsksForIt) {
  files_.add(
      "/k",
      "clusters:\n- name: c\n  cluster: {server: https://c, insecure-skip-tls-verify: true}\n"
      "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
  auto config = load({"/k", ""});
  ASSERT_TRUE(config) << config.error().format();
  EXPECT_TRUE(config->insecureSkipTlsVerify);
}

TEST_F(ConfigLoaderTest, MissingReferencedFileNamesTheField) {
  files_.add("/etc/kube/config",
             "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: ca.pem}\n"
             "contexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
  auto config = load({"/etc/kube/config", ""});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().path, "clusters[0].cluster.certificate-authority");
  EXPECT_EQ(config.error().file, "/etc/kube/config");
  EXPECT_THAT(config.error().message, HasSubstr("/etc/kube/ca.pem"));
}

TEST_F(ConfigLoaderTest, FileAndDataBothSetIsAnError) {
  files_.add("/k",
             "clusters:\n- name: c\n  cluster: {server: https://c, certificate-authority: "
             "/ca, certificate-authority-data: " +
                 base64Encode("X") +
                 "}\ncontexts:\n- name: x\n  context: {cluster: c}\ncurrent-context: x\n");
  files_.add("/ca", "CA");
  auto config = load({"/k", ""});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().path, "clusters[0].cluster.certificate-authority-data");
}

TEST_F(ConfigLoaderTest, CertificateWithoutKeyIsAnError) {
  files_.add("/k",
             minimal("c", "https://c", "u",
                     "    client-certificate-data: " + base64Encode(kCertPem) + "\n", "x", "x"));
  auto config = load({"/k", ""});
  ASSERT_FALSE(config);
  EXPECT_THAT(config.error().message, HasSubstr("client-key"));
  EXPECT_EQ(config.error().path, "users[0].user");
}

// No error message may carry a token, a key or certificate data (kube-runtime.md §6, issue 7
// item 7).
TEST_F(ConfigLoaderTest, NoErrorMessageHoldsASecret) {
  const std::string keyB64 = base64Encode(kKeyPem);
  const std::vector<std::string> failing = {
      // a key without its certificate
      minimal("c", "https://c", "u",
              "    client-key-data: " + keyB64 + "\n    token: " + kSecretToken + "\n", "x", "x"),
      // a token with a bad boolean beside it
      "clusters:\n- name: c\n  cluster: {server: https://c, insecure-skip-tls-verify: " +
          std::string(kSecretToken) + "}\n",
      // a token where a string list is expected
      "users:\n- name: u\n  user:\n    token: [" + std::string(kSecretToken) + "]\n",
      // invalid base64 that holds the token
      "users:\n- name: u\n  user:\n    client-key-data: '" + std::string(kSecretToken) + "'\n",
      // invalid YAML right after a token
      "users:\n- name: u\n  user:\n    token: " + std::string(kSecretToken) + "\n  : : [\n",
      // a context whose cluster lacks a server, with a token and key in the user
      minimal("c", "''", "u", "    token: " + std::string(kSecretToken) + "\n", "x", "x"),
  };
  for (const std::string& text : failing) {
    files_.add("/k", text);
    auto config = load({"/k", ""});
    ASSERT_FALSE(config) << text;
    const std::string message = config.error().format();
    EXPECT_THAT(message, Not(HasSubstr(kSecretToken))) << message;
    EXPECT_THAT(message, Not(HasSubstr("KEYBYTES42"))) << message;
    EXPECT_THAT(message, Not(HasSubstr(keyB64))) << message;
  }
}

TEST(Base64DecodeTest, StandardAlphabetWithPaddingAndLineBreaks) {
  EXPECT_EQ(base64Decode("aGVsbG8=").value(), "hello");
  EXPECT_EQ(base64Decode("aGVs\nbG8h").value(), "hello!");
  EXPECT_EQ(base64Decode("aGk=").value(), "hi");
  EXPECT_EQ(base64Decode("aA==").value(), "h");
  EXPECT_EQ(base64Decode("").value(), "");
  EXPECT_FALSE(base64Decode("aGVsbG8"));    // missing padding
  EXPECT_FALSE(base64Decode("a=Vs"));       // padding inside
  EXPECT_FALSE(base64Decode("aGVs bG8="));  // a space
  EXPECT_FALSE(base64Decode("aGV-bG8="));   // URL alphabet
  EXPECT_EQ(base64Decode(base64Encode(std::string("\0\xff\x10", 3))).value(),
            std::string("\0\xff\x10", 3));
}

}  // namespace
}  // namespace cop::client
