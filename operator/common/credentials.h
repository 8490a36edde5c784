#pragma once

// The one credential classifier: does a variable name, a value or a file hold a credential?
// Everything that keeps secrets out of pod specs (the environment, bind-mounted files and the
// final literal guard) asks here, so that a rule added here protects every field at once.
//
// By name (ASCII, case-insensitive; camelCase counts as words: dbPassword = DB_PASSWORD):
//   anywhere in the name:  PASSWORD PASSWD PASSPHRASE SECRET TOKEN CREDENTIAL APIKEY PRIVATE
//   a word ending in:      PASS (not BYPASS), PWD (not the variable PWD itself), DSN
//   a word:                KEY (and ACCESSKEY, SIGNINGKEY, ... as one word), AUTH as the last
//                          word (REDIS_AUTH, BASIC_AUTH; not AUTH_ENABLED)
//   never:                 names whose last word is FILE, PATH, DIR or FILENAME (they hold a
//                          path to a secret: POSTGRES_PASSWORD_FILE), and public keys
//                          (PUBLIC_KEY, STRIPE_PUBLISHABLE_KEY) when KEY is the only sign
// *_URL, *_URI and connection strings count by value: when the value holds a password.
//
// By value (anywhere inside a longer text, too): a URL whose userinfo has a password (any
// scheme), a JWT, a PEM private key block, a `Password=`/`Pwd=` item of a connection string,
// and the well-known token prefixes (AWS, GitHub, GitLab, Slack, Stripe, Google, OpenAI,
// Anthropic, npm, PyPI, Hugging Face, SendGrid, Twilio, DigitalOcean).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cop {

// Shorter values are not searched for inside other text: 5 characters or fewer ("root",
// "admin", "1234") occur by chance in image names, paths and flags, and refusing those stacks
// would help nobody. Such values still move into Secrets when a variable's name or shape says
// they are credentials.
inline constexpr std::size_t kMinSensitiveLength = 6;

bool isCredentialName(std::string_view name);

// A credential found inside a text by its shape.
struct CredentialSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string_view kind;  // "a URL with a password", "a JWT", ... (for messages)
};

std::vector<CredentialSpan> findCredentialShapes(std::string_view text);

// The name says so, or the value holds a credential by its shape.
bool isCredential(std::string_view name, std::string_view value);

// The credential values a stack knows (from variables, env entries, secrets), found inside
// any text in one pass over it: values are indexed by their first kMinSensitiveLength
// characters, so the cost is linear in the text, not in texts x values.
class KnownCredentials {
 public:
  struct Match {
    std::size_t offset = 0;
    std::size_t length = 0;
    std::string name;  // the variable (or secret) the value belongs to
  };

  // Values shorter than kMinSensitiveLength are ignored; the first name given a value wins.
  void add(const std::string& value, const std::string& name);
  // Every occurrence of every value in `text` (they may overlap).
  std::vector<Match> find(std::string_view text) const;
  bool empty() const { return byValue_.empty(); }

 private:
  std::map<std::string, std::string> byValue_;                          // value -> name
  std::unordered_map<std::string, std::vector<std::string>> byPrefix_;  // prefix -> values
};

// A file that holds credentials by its name (.env, *.pem, id_rsa, .netrc, ...) or because its
// content does (a PEM private key, or any credential shape).
bool isCredentialFile(std::string_view fileName, std::string_view content);

}  // namespace cop
