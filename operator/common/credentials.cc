#include "operator/common/credentials.h"

#include <algorithm>
#include <array>

#include "operator/common/text.h"

namespace cop {

namespace {

// Markers that make a name a credential wherever they occur (DBPASSWORD, MY_SECRET_X).
constexpr std::string_view kAnywhereMarkers[] = {"PASSWORD", "PASSWD",     "PASSPHRASE", "SECRET",
                                                 "TOKEN",    "CREDENTIAL", "APIKEY",     "PRIVATE"};
// Words that end a credential word (DBPASS, MYSQL_PWD, SENTRY_DSN, ACCESSKEY).
constexpr std::string_view kWordEndMarkers[] = {"PASS", "PWD", "DSN", "KEY"};
// Words that look like a marker and are not one.
constexpr std::string_view kNotCredentialWords[] = {"BYPASS", "COMPASS", "MONKEY", "TURKEY"};
// The shell's working directory, not a password.
constexpr std::string_view kShellVariables[] = {"PWD", "OLDPWD"};
// A last word that makes the name a path to a credential, not the credential.
constexpr std::string_view kPathWords[] = {"FILE", "PATH", "DIR", "FILENAME"};
constexpr std::string_view kPublicWords[] = {"PUBLIC", "PUBLISHABLE", "PUB"};

constexpr bool isUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool isLowerOrDigit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
constexpr bool isAlnum(char c) {
  return isUpper(c) || isLowerOrDigit(c);
}
bool isBase64Url(char c) {
  return isAlnum(c) || c == '-' || c == '_';
}
bool isHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
template <std::size_t N>
bool contains(const std::string_view (&list)[N], std::string_view word) {
  return std::find(std::begin(list), std::end(list), word) != std::end(list);
}

// Upper-case words: "dbPassword" -> DB PASSWORD, "api-key" -> API KEY.
std::vector<std::string> nameWords(std::string_view name) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!isAlnum(c)) {
      words.emplace_back();
      continue;
    }
    if (isUpper(c) && i > 0 && isLowerOrDigit(name[i - 1]) && !words.back().empty()) {
      words.emplace_back();
    }
    words.back() += toUpper(std::string_view(&c, 1));
  }
  std::erase_if(words, [](const std::string& w) { return w.empty(); });
  return words;
}

// ---- shapes ---------------------------------------------------------------------------------

bool tokenBoundaryBefore(std::string_view text, std::size_t at) {
  return at == 0 || !isAlnum(text[at - 1]);
}

std::size_t runOf(std::string_view text, std::size_t from, bool (*accept)(char)) {
  std::size_t end = from;
  while (end < text.size() && accept(text[end])) {
    ++end;
  }
  return end - from;
}

bool isUrlChar(char c) {
  return static_cast<unsigned char>(c) > ' ' && c != '"' && c != '\'' && c != '`' && c != '<' &&
         c != '>' && c != '\\' && c != 0x7f;
}
bool isSchemeChar(char c) {
  return isAlnum(c) || c == '+' || c == '.' || c == '-';
}

// scheme://user:password@host...
void findUrls(std::string_view text, std::vector<CredentialSpan>& out) {
  for (std::size_t sep = text.find("://"); sep != std::string_view::npos;
       sep = text.find("://", sep + 3)) {
    std::size_t start = sep;
    while (start > 0 && isSchemeChar(text[start - 1])) {
      --start;
    }
    while (start < sep && !isAlnum(text[start])) {
      ++start;  // a scheme starts with a letter
    }
    if (start == sep) {
      continue;
    }
    const std::size_t authorityStart = sep + 3;
    std::size_t end = authorityStart;
    while (end < text.size() && isUrlChar(text[end])) {
      ++end;
    }
    // The authority ends at the first '/', '?' or '#' after the last '@' (passwords may
    // hold '/', which is why the last '@' is looked for first).
    const std::string_view token = text.substr(authorityStart, end - authorityStart);
    const std::size_t firstDelimiter = token.find_first_of("/?#");
    std::size_t at = token.rfind('@', firstDelimiter);
    if (at == std::string_view::npos) {
      at = token.rfind('@');
    }
    if (at == std::string_view::npos) {
      continue;
    }
    const std::string_view userinfo = token.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos || colon + 1 == userinfo.size() ||
        userinfo[colon + 1] == '$') {
      continue;  // no password, or a reference to one ($(VAR), ${VAR}, $VAR)
    }
    out.push_back({start, end - start, "a URL with a password"});
  }
}

// header.payload.signature, base64url, the header a JSON object ("eyJ").
void findJwts(std::string_view text, std::vector<CredentialSpan>& out) {
  constexpr std::size_t kMinPart = 10;
  for (std::size_t at = text.find("eyJ"); at != std::string_view::npos;
       at = text.find("eyJ", at + 3)) {
    if (!tokenBoundaryBefore(text, at)) {
      continue;
    }
    const std::size_t header = runOf(text, at, isBase64Url);
    std::size_t pos = at + header;
    if (header < kMinPart || pos >= text.size() || text[pos] != '.') {
      continue;
    }
    const std::size_t payload = runOf(text, pos + 1, isBase64Url);
    pos += 1 + payload;
    if (payload < kMinPart || pos >= text.size() || text[pos] != '.') {
      continue;
    }
    pos += 1 + runOf(text, pos + 1, isBase64Url);
    out.push_back({at, pos - at, "a JWT"});
  }
}

// -----BEGIN ... PRIVATE KEY----- (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK); certificates
// and public keys are public.
void findPemKeys(std::string_view text, std::vector<CredentialSpan>& out) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  for (std::size_t at = text.find(kBegin); at != std::string_view::npos;
       at = text.find(kBegin, at + kBegin.size())) {
    const std::size_t labelEnd = text.find("-----", at + kBegin.size());
    if (labelEnd == std::string_view::npos) {
      return;
    }
    const std::string_view label = text.substr(at + kBegin.size(), labelEnd - at - kBegin.size());
    if (label.find("PRIVATE") == std::string_view::npos &&
        label.find("SECRET") == std::string_view::npos) {
      continue;
    }
    std::size_t end = text.find("-----END ", labelEnd);
    if (end != std::string_view::npos) {
      const std::size_t close = text.find("-----", end + 9);
      end = close == std::string_view::npos ? text.size() : close + 5;
    } else {
      end = text.size();
    }
    out.push_back({at, end - at, "a PEM private key"});
  }
}

// Password=...; or Pwd=...; as the first item or after a ';' (ADO.NET, ODBC, JDBC styles).
void findConnectionStringPasswords(std::string_view text, std::vector<CredentialSpan>& out) {
  const std::string lower = toLower(text);
  for (std::string_view key : {std::string_view("password"), std::string_view("pwd")}) {
    for (std::size_t at = lower.find(key); at != std::string::npos; at = lower.find(key, at + 1)) {
      std::size_t before = at;
      while (before > 0 && lower[before - 1] == ' ') {
        --before;
      }
      if (before != 0 && lower[before - 1] != ';') {
        continue;
      }
      std::size_t eq = at + key.size();
      while (eq < lower.size() && lower[eq] == ' ') {
        ++eq;
      }
      if (eq >= lower.size() || lower[eq] != '=') {
        continue;
      }
      const std::size_t valueStart = eq + 1;
      const std::size_t valueEnd = std::min(lower.find(';', valueStart), lower.size());
      if (valueEnd > valueStart) {
        out.push_back({valueStart, valueEnd - valueStart, "a connection string password"});
      }
    }
  }
}

struct TokenPrefix {
  std::string_view prefix;
  std::size_t minBody;     // characters after the prefix
  bool (*accept)(char c);  // what the body is made of
  std::string_view kind;
};

bool isUpperOrDigit(char c) {
  return isUpper(c) || (c >= '0' && c <= '9');
}
bool isTokenChar(char c) {
  return isBase64Url(c) || c == '.';
}

constexpr std::array<TokenPrefix, 27> kTokenPrefixes{{
    {"AKIA", 16, isUpperOrDigit, "an AWS access key id"},
    {"ASIA", 16, isUpperOrDigit, "an AWS access key id"},
    {"ghp_", 30, isAlnum, "a GitHub token"},
    {"gho_", 30, isAlnum, "a GitHub token"},
    {"ghu_", 30, isAlnum, "a GitHub token"},
    {"ghs_", 30, isAlnum, "a GitHub token"},
    {"ghr_", 30, isAlnum, "a GitHub token"},
    {"github_pat_", 20, isBase64Url, "a GitHub token"},
    {"glpat-", 20, isBase64Url, "a GitLab token"},
    {"glrt-", 20, isBase64Url, "a GitLab token"},
    {"xoxa-", 10, isBase64Url, "a Slack token"},
    {"xoxb-", 10, isBase64Url, "a Slack token"},
    {"xoxp-", 10, isBase64Url, "a Slack token"},
    {"xoxr-", 10, isBase64Url, "a Slack token"},
    {"xoxs-", 10, isBase64Url, "a Slack token"},
    {"sk_live_", 16, isAlnum, "a Stripe key"},
    {"rk_live_", 16, isAlnum, "a Stripe key"},
    {"sk_test_", 16, isAlnum, "a Stripe key"},
    {"AIza", 30, isBase64Url, "a Google API key"},
    {"sk-", 20, isBase64Url, "an OpenAI or Anthropic key"},
    {"npm_", 30, isAlnum, "an npm token"},
    {"pypi-", 30, isBase64Url, "a PyPI token"},
    {"hf_", 30, isAlnum, "a Hugging Face token"},
    {"SG.", 30, isTokenChar, "a SendGrid key"},
    {"SK", 32, isHex, "a Twilio key"},
    {"dop_v1_", 40, isHex, "a DigitalOcean token"},
    {"shpat_", 30, isHex, "a Shopify token"},
}};

// Every prefix starts with a letter or digit, so a token can only start a word: one pass over
// the words of the text, not one search of the whole text per prefix.
static_assert(std::ranges::all_of(kTokenPrefixes,
                                  [](const TokenPrefix& t) { return isAlnum(t.prefix.front()); }));

void findTokens(std::string_view text, std::vector<CredentialSpan>& out) {
  for (std::size_t at = 0; at < text.size();) {
    if (!isAlnum(text[at])) {
      ++at;
      continue;
    }
    for (const TokenPrefix& token : kTokenPrefixes) {
      if (text[at] != token.prefix.front() || !text.substr(at).starts_with(token.prefix)) {
        continue;
      }
      const std::size_t bodyStart = at + token.prefix.size();
      const std::size_t body = runOf(text, bodyStart, token.accept);
      // Real tokens are random and hold a digit; words and names ("sk-learn-image") do not.
      const std::string_view bodyText = text.substr(bodyStart, body);
      const bool hasDigit = bodyText.find_first_of("0123456789") != std::string_view::npos;
      if (body >= token.minBody && hasDigit) {
        out.push_back({at, token.prefix.size() + body, token.kind});
      }
    }
    at += runOf(text, at, isAlnum);  // the rest of the word starts no token
  }
}

}  // namespace

bool isCredentialName(std::string_view name) {
  const std::vector<std::string> words = nameWords(name);
  if (words.empty() || contains(kPathWords, words.back()) ||
      (words.size() == 1 && contains(kShellVariables, words.front()))) {
    return false;
  }
  std::string joined;
  for (const std::string& word : words) {
    joined += word;
  }
  for (std::string_view marker : kAnywhereMarkers) {
    if (joined.find(marker) != std::string::npos) {
      return true;
    }
  }
  bool publicKey = false;
  for (const std::string& word : words) {
    publicKey = publicKey || contains(kPublicWords, word);
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    if (contains(kNotCredentialWords, word)) {
      continue;
    }
    for (std::string_view marker : kWordEndMarkers) {
      if (word.ends_with(marker) && !(marker == "KEY" && publicKey)) {
        return true;
      }
    }
  }
  const std::string& last = words.back();
  return last == "AUTH" || last == "AUTHORIZATION" || (last.size() > 4 && last.ends_with("AUTH"));
}

std::vector<CredentialSpan> findCredentialShapes(std::string_view text) {
  std::vector<CredentialSpan> out;
  if (text.size() < kMinSensitiveLength) {
    return out;
  }
  findUrls(text, out);
  findJwts(text, out);
  findPemKeys(text, out);
  findConnectionStringPasswords(text, out);
  findTokens(text, out);
  // Stable: of two spans alike in offset and length, the finder listed first names the kind.
  std::stable_sort(out.begin(), out.end(), [](const CredentialSpan& a, const CredentialSpan& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  return out;
}

bool isCredential(std::string_view name, std::string_view value) {
  return isCredentialName(name) || !findCredentialShapes(value).empty();
}

void KnownCredentials::add(const std::string& value, const std::string& name) {
  if (value.size() < kMinSensitiveLength || !byValue_.emplace(value, name).second) {
    return;
  }
  byPrefix_[value.substr(0, kMinSensitiveLength)].push_back(value);
}

std::vector<KnownCredentials::Match> KnownCredentials::find(std::string_view text) const {
  std::vector<Match> out;
  if (byValue_.empty() || text.size() < kMinSensitiveLength) {
    return out;
  }
  std::string prefix(kMinSensitiveLength, '\0');
  for (std::size_t at = 0; at + kMinSensitiveLength <= text.size(); ++at) {
    prefix.assign(text.data() + at, kMinSensitiveLength);
    auto it = byPrefix_.find(prefix);
    if (it == byPrefix_.end()) {
      continue;
    }
    for (const std::string& value : it->second) {
      if (text.substr(at, value.size()) == value) {
        out.push_back({at, value.size(), byValue_.at(value)});
      }
    }
  }
  return out;
}

bool isCredentialFile(std::string_view fileName, std::string_view content) {
  const std::string name = toLower(fileName);
  constexpr std::string_view kSuffixes[] = {".env", ".pem",      ".key", ".p12",  ".pfx", ".jks",
                                            ".p8",  ".keystore", ".ppk", ".kdbx", ".asc", ".gpg"};
  constexpr std::string_view kExact[] = {".npmrc",     ".pgpass",          ".netrc",
                                         ".pypirc",    ".git-credentials", ".htpasswd",
                                         ".dockercfg", ".my.cnf",          ".s3cfg"};
  constexpr std::string_view kPrefixes[] = {".env.", "credentials", "secret"};
  const bool byName = name == ".env" || contains(kExact, name) ||
                      std::any_of(std::begin(kSuffixes), std::end(kSuffixes),
                                  [&name](std::string_view s) { return name.ends_with(s); }) ||
                      std::any_of(std::begin(kPrefixes), std::end(kPrefixes),
                                  [&name](std::string_view p) { return name.starts_with(p); }) ||
                      (name.starts_with("id_") && !name.ends_with(".pub"));
  return byName || !findCredentialShapes(content).empty();
}

}  // namespace cop
