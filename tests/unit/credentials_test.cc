// Issue 6, class 3: no credential as a literal. The classifier (by name, by value, by file),
// the environment's Secret, the final literal guard ($(VAR) in command and args, "${VAR}" in
// shell probes, refusal elsewhere), bind-mounted credential files, and the env var rules of
// class 6 (valid names, no two names on one Secret key).

#include "operator/common/credentials.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace cop::translate {
namespace {

using testing::convertText;
using testing::findObject;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::visibleText;

// The decoded values of all Secrets' data, to prove the value went somewhere safe.
bool inSomeSecret(const std::vector<Object>& objects, const std::string& base64) {
  for (const Object& object : objects) {
    if (object["kind"] == "Secret" && object.contains("data")) {
      for (const auto& [key, value] : object["data"].items()) {
        if (value == base64) {
          return true;
        }
      }
    }
  }
  return false;
}

load::LoadOptions withEnvironment(std::map<std::string, std::string> environment) {
  load::LoadOptions options;
  options.environment = std::move(environment);
  return options;
}

Object container(const std::vector<Object>& objects, const std::string& workload = "web") {
  const Object deployment = findObject(objects, "Deployment", workload);
  EXPECT_FALSE(deployment.is_null());
  return deployment.is_null() ? Object::object()
                              : deployment["spec"]["template"]["spec"]["containers"][0];
}

// ---- the classifier ---------------------------------------------------------------------

TEST(CredentialsTest, NamesThatHoldCredentials) {
  for (const char* name : {"PASSWORD",
                           "DB_PASSWORD",
                           "db_password",
                           "dbPassword",
                           "MYSQLPASSWORD",
                           "POSTGRES_PASS",
                           "dbPass",
                           "PGPASS",
                           "MYSQL_PWD",
                           "DB_PASSWD",
                           "SSH_PASSPHRASE",
                           "GPG_PASSPHRASE",
                           "SECRET",
                           "CLIENT_SECRET",
                           "jwtSecret",
                           "GITHUB_TOKEN",
                           "accessToken",
                           "API_KEY",
                           "APIKEY",
                           "apiKey",
                           "AWS_ACCESS_KEY",
                           "ACCESS_KEY",
                           "PRIVATE_KEY",
                           "SIGNING_KEY",
                           "ENCRYPTION_KEY",
                           "MASTER_KEY",
                           "STRIPE_SECRET_KEY",
                           "GOOGLE_CREDENTIALS",
                           "AZURE_CREDENTIAL",
                           "SENTRY_DSN",
                           "REDIS_AUTH",
                           "BASIC_AUTH",
                           "HTTP_AUTHORIZATION",
                           "PRIVATE_REGISTRY_TOKEN",
                           "api-key",
                           "db.password"}) {
    EXPECT_TRUE(isCredentialName(name)) << name;
  }
}

TEST(CredentialsTest, NamesThatDoNot) {
  for (const char* name :
       {"POSTGRES_PASSWORD_FILE", "SSL_KEY_FILE", "TLS_KEY_PATH", "SECRETS_DIR", "PWD", "OLDPWD",
        "PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "KEYCLOAK_URL", "DATABASE_URL", "LOG_LEVEL", "USER",
        "MYSQL_USER", "BYPASS_CACHE", "AUTH_ENABLED", "KEYSPACE", "PORT", "HOME"}) {
    EXPECT_FALSE(isCredentialName(name)) << name;
  }
}

TEST(CredentialsTest, ShapesInsideLongerText) {
  const struct {
    const char* text;
    const char* secret;  // the part that must be found
  } kCases[] = {
      {"--db=postgres://app:s3cret@db:5432/app", "postgres://app:s3cret@db:5432/app"},
      {"redis://:p4ss@redis:6379/0", "redis://:p4ss@redis:6379/0"},
      {"amqp://guest:guest@rabbit", "amqp://guest:guest@rabbit"},
      {"url mongodb+srv://u:p%40ss@cluster0.example.net/db ok",
       "mongodb+srv://u:p%40ss@cluster0.example.net/db"},
      {"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl",
       "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"},
      {"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
       "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"},
      {"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----",
       "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n-----END OPENSSH PRIVATE KEY-----"},
      {"Server=db;User Id=sa;Password=Str0ng!;", "Str0ng!"},
      {"key AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"},
      {"ghp_0123456789abcdefghijABCDEFGHIJ012345", "ghp_0123456789abcdefghijABCDEFGHIJ012345"},
      {"github_pat_11ABCDEFG0123456789_abcdefghijkl",
       "github_pat_11ABCDEFG0123456789_abcdefghijkl"},
      {"glpat-0123456789abcdefghij", "glpat-0123456789abcdefghij"},
      {"xoxb-1234567890-abcdefghij", "xoxb-1234567890-abcdefghij"},
      {"sk_live_0123456789abcdefgh", "sk_live_0123456789abcdefgh"},
      {"AIzaSyA0123456789abcdefghijklmnopqrstu", "AIzaSyA0123456789abcdefghijklmnopqrstu"},
      {"sk-proj-0123456789abcdefghijkl", "sk-proj-0123456789abcdefghijkl"},
      {"npm_0123456789abcdefghijklmnopqrstuvwxyz", "npm_0123456789abcdefghijklmnopqrstuvwxyz"},
      {"pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDA", "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDA"},
      {"hf_0123456789abcdefghijklmnopqrstuvwx", "hf_0123456789abcdefghijklmnopqrstuvwx"},
      {"SG.0123456789abcdefghij.klmnopqrstuvwxyz0123",
       "SG.0123456789abcdefghij.klmnopqrstuvwxyz0123"},
      {"SK0123456789abcdef0123456789abcdef", "SK0123456789abcdef0123456789abcdef"},
  };
  for (const auto& c : kCases) {
    const std::string text = c.text;
    const auto spans = findCredentialShapes(text);
    ASSERT_FALSE(spans.empty()) << text;
    EXPECT_EQ(text.substr(spans[0].offset, spans[0].length), c.secret) << text;
  }
}

TEST(CredentialsTest, ShapesThatAreNotCredentials) {
  for (const char* text :
       {"http://keycloak:8080/auth", "postgres://app@db/app", "https://example.com/a?b=c",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "sk-learn-image-name-here",
        "postgres://u:$(DB_PASSWORD)@db", "postgres://u:${DB_PASSWORD}@db", "--password-file=/x",
        "nginx:1.25-alpine", "eyJ.short.token", "taskAKIAIOSFODNN7EXAMPLE"}) {
    EXPECT_TRUE(findCredentialShapes(text).empty()) << text;
  }
}

TEST(CredentialsTest, CredentialFilesByNameAndContent) {
  for (const char* name : {".env", "prod.env", ".env.local", "tls.pem", "server.key", "id_rsa",
                           "id_ed25519", "cert.p12", "store.pfx", "app.jks", "app.keystore",
                           ".npmrc", ".pgpass", ".netrc", "credentials.json", "credentials"}) {
    EXPECT_TRUE(isCredentialFile(name, "")) << name;
  }
  for (const char* name : {"nginx.conf", "id_rsa.pub", "index.html", "environment.ts"}) {
    EXPECT_FALSE(isCredentialFile(name, "listen 80;")) << name;
  }
  EXPECT_TRUE(isCredentialFile("tls.conf", "-----BEGIN PRIVATE KEY-----\nMIIE\n"));
}

// ---- planted values never reach a non-Secret object --------------------------------------

struct Planted {
  const char* name;
  const char* value;
};

// Credential-looking environment entries, each planted with a value found nowhere else.
constexpr Planted kPlanted[] = {
    {"DB_PASSWORD", "planted-pw-01"},
    {"db_password", "planted-pw-02"},
    {"dbPassword", "planted-pw-03"},
    {"MYSQL_ROOT_PASSWORD", "planted-pw-04"},
    {"POSTGRES_PASS", "planted-pw-05"},
    {"REDIS_PASSWD", "planted-pw-06"},
    {"MYSQL_PWD", "planted-pw-07"},
    {"SSH_PASSPHRASE", "planted-pw-08"},
    {"CLIENT_SECRET", "planted-pw-09"},
    {"JWT_SECRET", "planted-pw-10"},
    {"GITHUB_TOKEN", "planted-pw-11"},
    {"accessToken", "planted-pw-12"},
    {"API_KEY", "planted-pw-13"},
    {"APIKEY", "planted-pw-14"},
    {"apiKey", "planted-pw-15"},
    {"AWS_SECRET_ACCESS_KEY", "planted-pw-16"},
    {"ACCESS_KEY", "planted-pw-17"},
    {"PRIVATE_KEY", "planted-pw-18"},
    {"SIGNING_KEY", "planted-pw-19"},
    {"ENCRYPTION_KEY", "planted-pw-20"},
    {"GOOGLE_CREDENTIALS", "planted-pw-21"},
    {"SENTRY_DSN", "https://planted22@o1.ingest.sentry.io/1"},
    {"REDIS_AUTH", "planted-pw-23"},
    {"DATABASE_URL", "postgres://app:planted-pw-24@db:5432/app"},
    {"CACHE_URI", "redis://:planted-pw-25@redis:6379"},
    {"BROKER_URL", "amqp://user:planted-pw-26@rabbit:5672"},
    {"MONGO_URL", "mongodb+srv://u:planted-pw-27@cluster.example.net/db"},
    {"DB_CONNECTION_STRING", "Server=db;User Id=sa;Password=planted-pw-28;"},
    {"SESSION", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkMjkifQ.cGxhbnRlZDI5"},
    {"TLS", "-----BEGIN EC PRIVATE KEY-----\nplanted30\n-----END EC PRIVATE KEY-----\n"},
    {"GH", "ghp_planted31planted31planted31planted31"},
    {"AWS_ID", "AKIAPLANTED032EXAMPL"},
    {"SLACK", "xoxb-planted33-0123456789"},
    {"STRIPE", "sk_live_planted34planted34"},
    {"OPENAI", "sk-planted35planted35planted35"},
    {"HF", "hf_planted36planted36planted36planted36"},
};

TEST(CredentialsTest, PlantedEnvironmentValuesStayInSecrets) {
  std::string compose = "services:\n  web:\n    image: nginx\n    environment:\n";
  for (const Planted& p : kPlanted) {
    compose += "      " + std::string(p.name) + ": " + nlohmann::json(p.value).dump() + "\n";
  }
  auto result = convertText(compose);
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  const std::string visible = visibleText(*result.objects);
  for (const Planted& p : kPlanted) {
    EXPECT_THAT(visible, Not(HasSubstr(p.value))) << p.name;
  }
  EXPECT_THAT(visible, Not(HasSubstr("planted")));  // every planted value holds this word
}

TEST(CredentialsTest, NonCredentialsStayLiteral) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    environment:\n"
      "      KEYCLOAK_URL: http://keycloak:8080/auth\n"
      "      DATABASE_URL: postgres://app@db/app\n"
      "      POSTGRES_PASSWORD_FILE: /run/secrets/db\n"
      "      PUBLIC_KEY: ssh-ed25519-AAAA\n"
      "      LOG_LEVEL: debug\n");
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  const Object env = container(*result.objects)["env"];
  ASSERT_EQ(env.size(), 5u);
  for (const Object& entry : env) {
    EXPECT_TRUE(entry.contains("value")) << entry.dump();
  }
}

// The same value as a public setting elsewhere (MYSQL_USER=wordpress) is not searched for:
// the image wordpress:6 must stay as written.
TEST(CredentialsTest, AValueTheStackAlsoUsesPubliclyIsNotSearched) {
  auto result = convertText(
      "services:\n  web:\n    image: wordpress:6\n    environment:\n"
      "      WORDPRESS_DB_USER: wordpress\n      WORDPRESS_DB_PASSWORD: wordpress\n");
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_EQ(container(*result.objects)["image"], "wordpress:6");
}

// ---- interpolated credentials -------------------------------------------------------------

TEST(CredentialsTest, InterpolatedIntoCommandAndEntrypointBecomesAReference) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n"
      "    entrypoint: ['run', '--token=${API_TOKEN}']\n"
      "    command: ['--password=${DB_PASSWORD}', 'postgres://u:${DB_PASSWORD}@db/x', '$$(keep)',\n"
      "              '--url=redis://:literal-pw-99@cache']\n",
      {}, {},
      withEnvironment({{"DB_PASSWORD", "planted-cmd-01"}, {"API_TOKEN", "planted-cmd-02"}}));
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  const std::string visible = visibleText(*result.objects);
  EXPECT_THAT(visible, Not(HasSubstr("planted-cmd-0")));
  EXPECT_THAT(visible, Not(HasSubstr("literal-pw-99")));
  const Object c = container(*result.objects);
  EXPECT_EQ(c["command"][1], "--token=$(API_TOKEN)");
  EXPECT_EQ(c["args"][0], "--password=$(DB_PASSWORD)");
  EXPECT_EQ(c["args"][1], "postgres://u:$(DB_PASSWORD)@db/x");
  EXPECT_EQ(c["args"][2], "$$(keep)");  // literal text still escaped
  EXPECT_EQ(c["args"][3], "--url=$(COMPOSE_CREDENTIAL)");
  // Each reference is a Secret-backed env var of the container.
  std::set<std::string> names;
  for (const Object& entry : c["env"]) {
    EXPECT_TRUE(entry["valueFrom"].contains("secretKeyRef")) << entry.dump();
    names.insert(entry["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"API_TOKEN", "DB_PASSWORD", "COMPOSE_CREDENTIAL"}));
  EXPECT_TRUE(inSomeSecret(*result.objects, "cGxhbnRlZC1jbWQtMDE="));  // planted-cmd-01
}

// A credential interpolated into an entry whose name says nothing moves into the Secret too.
TEST(CredentialsTest, InterpolatedIntoAnyEnvironmentEntryMovesIntoTheSecret) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    environment:\n"
      "      JAVA_OPTS: '-Ddb.pw=${DB_PASSWORD} -Xmx1g'\n      GREETING: hello\n",
      {}, {}, withEnvironment({{"DB_PASSWORD", "planted-ev-01"}}));
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_THAT(visibleText(*result.objects), Not(HasSubstr("planted-ev-01")));
  const Object env = container(*result.objects)["env"];
  EXPECT_EQ(env[0]["name"], "GREETING");
  EXPECT_EQ(env[0]["value"], "hello");
  EXPECT_EQ(env[1]["name"], "JAVA_OPTS");
  EXPECT_TRUE(env[1]["valueFrom"].contains("secretKeyRef"));
}

// From the project's .env, through an override file's entrypoint: the same guard.
TEST(CredentialsTest, CredentialFromTheEnvFileInAnOverrideFile) {
  load::LoadOptions options;
  options.files = {"compose.yaml", "override.yaml"};
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n", {},
      {{".env", "SIGNING_KEY=planted-df-01\n"},
       {"override.yaml", "services:\n  web:\n    entrypoint: run --key ${SIGNING_KEY}\n"}},
      options);
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_THAT(visibleText(*result.objects), Not(HasSubstr("planted-df-01")));
  EXPECT_EQ(container(*result.objects)["command"][2], "$(SIGNING_KEY)");
}

// The env Secret the guard adds is claimed like any name: a top-level secret that becomes
// the same name is a collision error, never a Secret the guard writes into.
TEST(CredentialsTest, TheGuardsEnvSecretIsClaimed) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    command: ['--pw=${DB_PASSWORD}']\n"
      "    secrets: [web-env]\nsecrets:\n  web-env:\n    environment: OTHER\n",
      {}, {}, withEnvironment({{"DB_PASSWORD", "planted-cl-01"}, {"OTHER", "x"}}));
  ASSERT_FALSE(result.objects);
  EXPECT_THAT(result.objects.error().message, HasSubstr("both become the Secret 'demo-web-env'"));
}

TEST(CredentialsTest, ShellHealthcheckReadsTheVariableAtRunTime) {
  auto result = convertText(
      "services:\n  db:\n    image: mssql\n    environment:\n      SA_PASSWORD: ${SA_PASSWORD}\n"
      "    healthcheck:\n"
      "      test: [\"CMD-SHELL\", \"sqlcmd -P ${SA_PASSWORD} -Q 'x ${SA_PASSWORD}' && "
      "echo \\\"${SA_PASSWORD}\\\"\"]\n",
      {}, {}, withEnvironment({{"SA_PASSWORD", "planted-hc-01"}}));
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_THAT(visibleText(*result.objects), Not(HasSubstr("planted-hc-01")));
  const Object probe = container(*result.objects, "db")["readinessProbe"]["exec"]["command"];
  EXPECT_EQ(probe[2],
            "sqlcmd -P \"${SA_PASSWORD}\" -Q 'x '\"${SA_PASSWORD}\"'' && echo \"${SA_PASSWORD}\"");
}

// Where Kubernetes offers no reference, the conversion is refused, naming the file, the
// field and the variable, never the value.
TEST(CredentialsTest, RefusedWhereNoReferenceExists) {
  const struct {
    const char* field;
    const char* composePath;
  } kCases[] = {
      {"image: nginx\n    healthcheck: {test: ['CMD', 'check', '--pw=${DB_PASSWORD}']}",
       "services.web.healthcheck"},
      {"image: nginx\n    labels: {pw: '${DB_PASSWORD}'}", "services.web.labels"},
      {"image: nginx\n    annotations: {pw: 'x ${DB_PASSWORD}'}", "services.web.annotations"},
      {"image: nginx\n    working_dir: /srv/${DB_PASSWORD}", "services.web.working_dir"},
      {"image: nginx:${DB_PASSWORD}", "services.web.image"},
      {"image: nginx\n    labels: {url: 'redis://:literal-pw-77@cache'}", "services.web.labels"},
  };
  for (const auto& c : kCases) {
    const std::string compose = "services:\n  web:\n    " + std::string(c.field) + "\n";
    auto result = convertText(compose, {}, {}, withEnvironment({{"DB_PASSWORD", "planted-rf-01"}}));
    ASSERT_FALSE(result.objects) << c.field;
    const Error& error = result.objects.error();
    EXPECT_EQ(error.file, "compose.yaml") << c.field;
    EXPECT_GT(error.line, 0) << c.field;
    EXPECT_EQ(error.path, c.composePath) << error.format();
    EXPECT_THAT(error.format(), Not(HasSubstr("planted-rf-01")));
    EXPECT_THAT(error.format(), Not(HasSubstr("literal-pw-77")));
    EXPECT_THAT(error.format(), Not(HasSubstr("\n")));
  }
  auto named =
      convertText("services:\n  web:\n    image: nginx\n    labels: {pw: '${DB_PASSWORD}'}\n", {},
                  {}, withEnvironment({{"DB_PASSWORD", "planted-rf-01"}}));
  ASSERT_FALSE(named.objects);
  EXPECT_THAT(named.objects.error().message, HasSubstr("DB_PASSWORD"));
}

TEST(CredentialsTest, ConfigHoldingACredentialIsRefused) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    configs: [app]\n"
      "configs:\n  app:\n    content: 'password=${DB_PASSWORD}'\n",
      {}, {}, withEnvironment({{"DB_PASSWORD", "planted-cf-01"}}));
  ASSERT_FALSE(result.objects);
  EXPECT_THAT(result.objects.error().format(), HasSubstr("DB_PASSWORD"));
  EXPECT_THAT(result.objects.error().format(), Not(HasSubstr("planted-cf-01")));
}

TEST(CredentialsTest, ShortValuesAreNotSearched) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    working_dir: /root\n    environment:\n"
      "      DB_PASSWORD: root\n");
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_EQ(container(*result.objects)["workingDir"], "/root");
  EXPECT_TRUE(container(*result.objects)["env"][0].contains("valueFrom"));
}

// ---- bind-mounted credential files ---------------------------------------------------------

TEST(CredentialsTest, BindMountedCredentialFilesBecomeSecrets) {
  const struct {
    const char* file;
    const char* content;
  } kCases[] = {
      {".env", "DB_PASSWORD=planted-bf-01\n"},
      {"tls.pem", "planted-bf-02\n"},
      {"id_rsa", "planted-bf-03\n"},
      {"app.conf", "-----BEGIN PRIVATE KEY-----\nplanted-bf-04\n-----END PRIVATE KEY-----\n"},
      {"settings.ini", "url=postgres://u:planted-bf-05@db/x\n"},
  };
  for (const auto& c : kCases) {
    const std::string compose = "services:\n  web:\n    image: nginx\n    volumes: ['./" +
                                std::string(c.file) + ":/etc/app/" + c.file + "']\n";
    auto result = convertText(compose, {}, {{c.file, c.content}});
    ASSERT_TRUE(result.objects) << result.objects.error().format();
    EXPECT_THAT(visibleText(*result.objects), Not(HasSubstr("planted-bf-0"))) << c.file;
    EXPECT_TRUE(findObject(*result.objects, "ConfigMap").is_null()) << c.file;
    const Object spec =
        findObject(*result.objects, "Deployment", "web")["spec"]["template"]["spec"];
    ASSERT_TRUE(spec["volumes"][0].contains("secret")) << c.file;
    EXPECT_EQ(spec["volumes"][0]["secret"]["defaultMode"], 0400);
    EXPECT_EQ(spec["containers"][0]["volumeMounts"][0]["readOnly"], true);
  }
  auto plain =
      convertText("services:\n  web:\n    image: nginx\n    volumes: ['./a.conf:/a.conf']\n", {},
                  {{"a.conf", "listen 80;\n"}});
  ASSERT_TRUE(plain.objects);
  EXPECT_FALSE(findObject(*plain.objects, "ConfigMap").is_null());
}

TEST(CredentialsTest, BindFileHoldingAnInterpolatedCredentialValueBecomesASecret) {
  auto result = convertText(
      "services:\n  web:\n    image: nginx\n    environment: {DB_PASSWORD: planted-bf-06}\n"
      "    volumes: ['./app.conf:/app.conf']\n",
      {}, {{"app.conf", "pass planted-bf-06\n"}});
  ASSERT_TRUE(result.objects) << result.objects.error().format();
  EXPECT_TRUE(findObject(*result.objects, "ConfigMap").is_null());
  EXPECT_THAT(visibleText(*result.objects), Not(HasSubstr("planted-bf-06")));
}

// ---- env var names (class 6) -----------------------------------------------------------------

Result<std::vector<Object>> translateEnvironment(
    std::vector<std::pair<std::string, std::string>> environment) {
  load::Project project;
  project.name = "demo";
  load::Service service;
  service.name = "web";
  service.image = "nginx";
  service.origin = {"compose.yaml", 2, "services.web"};
  service.environment = std::move(environment);
  project.services.push_back(std::move(service));
  Warnings warnings;
  return translate(project, {}, warnings);
}

TEST(CredentialsTest, EnvironmentVariableNamesMustBeValid) {
  for (const char* name : {"A=B", "A\tB", "A\nB", "\x7f"}) {
    auto result = translateEnvironment({{name, "1"}});
    ASSERT_FALSE(result) << name;
    EXPECT_THAT(result.error().message, HasSubstr("not valid"));
    EXPECT_THAT(result.error().format(), Not(HasSubstr("\n")));
  }
  auto empty = translateEnvironment({{"", "1"}});
  EXPECT_FALSE(empty);
  // Kubernetes v1.36 accepts any printable ASCII but '=' (dots, dashes, a leading digit).
  auto relaxed = translateEnvironment({{"my.var-1", "1"}, {"1ST", "1"}});
  EXPECT_TRUE(relaxed) << relaxed.error().format();
}

TEST(CredentialsTest, TwoNamesOnOneSecretKeyAreAnError) {
  auto result =
      translateEnvironment({{"DB PASSWORD", "planted-ky-01"}, {"DB_PASSWORD", "planted-ky-02"}});
  ASSERT_FALSE(result);
  EXPECT_THAT(result.error().message, HasSubstr("both become the Secret key DB_PASSWORD"));
  EXPECT_THAT(result.error().format(), Not(HasSubstr("planted-ky")));
}

}  // namespace
}  // namespace cop::translate
