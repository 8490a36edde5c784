#include "operator/translate/literal_guard.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "operator/common/base64.h"
#include "operator/common/text.h"
#include "operator/translate/defaults.h"

namespace cop::translate::detail {

namespace {

// The env var a credential found only by its shape is referred to by.
constexpr std::string_view kShapeVariable = "COMPOSE_CREDENTIAL";

struct Finding {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string name;  // a variable name, or empty for a credential found by its shape
  std::string_view kind;
};

// `findings` in order of offset (at one offset the longest first), without those that start
// inside one kept before them.
std::vector<Finding> nonOverlapping(std::vector<Finding> findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.length > b.length;
  });
  std::vector<Finding> kept;
  std::size_t covered = 0;
  for (Finding& finding : findings) {
    if (kept.empty() || finding.offset >= covered) {
      covered = finding.offset + finding.length;
      kept.push_back(std::move(finding));
    }
  }
  return kept;
}

// Non-overlapping findings in `text`, in order; at one offset the longest wins.
std::vector<Finding> findCredentials(std::string_view text, const KnownCredentials& known) {
  std::vector<Finding> found;
  for (KnownCredentials::Match& match : known.find(text)) {
    found.push_back({match.offset, match.length, std::move(match.name), "a credential"});
  }
  found = nonOverlapping(std::move(found));
  // Shapes only where no known value was found: "postgres://u:$(DB_PASSWORD)@db" keeps its
  // meaning in sight, and the password, the only secret part, is referred to by its name.
  const std::size_t knownCount = found.size();
  for (const CredentialSpan& span : findCredentialShapes(text)) {
    const bool overlaps =
        std::any_of(found.begin(), found.begin() + knownCount, [&span](const Finding& f) {
          return f.offset < span.offset + span.length && span.offset < f.offset + f.length;
        });
    if (!overlaps) {
      found.push_back({span.offset, span.length, "", span.kind});
    }
  }
  return nonOverlapping(std::move(found));
}

// The text before escapeDollar (which doubles every '$' exactly when the text held "$(" or
// "$$", so a "$$" in its output means it doubled them all).
std::string unescapeDollar(const std::string& text) {
  if (text.find("$$") == std::string::npos) {
    return text;
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      ++i;
    }
  }
  return out;
}

// A valid, conventional env var name for a secret's name ("db-password" -> DB_PASSWORD).
std::string variableNameFor(std::string_view name) {
  const std::string upper = toUpper(name);
  std::string out;
  if (upper.empty() || (upper[0] >= '0' && upper[0] <= '9')) {
    out += '_';
  }
  for (char c : upper) {
    out += ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ? c : '_';
  }
  return out;
}

// The compose field behind a Kubernetes field of a workload, for the error's line.
std::string composeFieldOf(const std::string& path) {
  struct Mapping {
    std::string_view kubernetes;
    std::string_view compose;
  };
  static constexpr Mapping kFields[] = {
      {"Probe", "healthcheck"},       {".image", "image"},
      {".workingDir", "working_dir"}, {".hostAliases", "extra_hosts"},
      {".hostname", "hostname"},      {".annotations", "annotations"},
      {".labels", "labels"},          {".volumeMounts", "volumes"},
      {".volumes", "volumes"},        {".nodeSelector", "platform"},
      {".affinity", "deploy"},        {".imagePullSecrets", "labels"},
      {".command", "entrypoint"},     {".args", "command"},
      {".env", "environment"},        {".ports", "ports"}};
  for (const Mapping& field : kFields) {
    if (path.find(field.kubernetes) != std::string::npos) {
      return std::string(field.compose);
    }
  }
  return "";
}

std::string adviceFor(const std::string& path) {
  if (path.find("Probe") != std::string::npos) {
    return "Kubernetes does not expand $(VAR) in exec probes: use CMD-SHELL, whose shell reads "
           "the variable from the container's environment";
  }
  if (path.find(".labels") != std::string::npos || path.find(".annotations") != std::string::npos) {
    return "labels and annotations are readable by anyone who can list the objects";
  }
  return "keep credentials in environment variables or secrets";
}

bool isShellName(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

enum class Quoting { kNone, kSingle, kDouble };

// The POSIX shell quoting in force at `offset` of `script`.
Quoting quotingAt(std::string_view script, std::size_t offset) {
  Quoting state = Quoting::kNone;
  for (std::size_t i = 0; i < offset && i < script.size(); ++i) {
    const char c = script[i];
    if (state == Quoting::kSingle) {
      state = c == '\'' ? Quoting::kNone : state;
    } else if (c == '\\') {
      ++i;  // the next character is escaped, outside and inside double quotes
    } else if (c == '\'') {
      state = state == Quoting::kNone ? Quoting::kSingle : state;
    } else if (c == '"') {
      state = state == Quoting::kDouble ? Quoting::kNone : Quoting::kDouble;
    }
  }
  return state;
}

// "${NAME}" as the shell needs it where the literal was: the same word, the same quoting.
std::string shellReference(const std::string& name, Quoting quoting) {
  switch (quoting) {
    case Quoting::kSingle:
      return "'\"${" + name + "}\"'";
    case Quoting::kDouble:
      return "${" + name + "}";
    case Quoting::kNone:
      break;
  }
  return "\"${" + name + "}\"";
}

class Guard {
 public:
  explicit Guard(StackContext& stack) : stack_(stack) {
    for (const auto& [name, value] : stack_.secretValues) {
      if (value.size() < kMinSensitiveLength) {
        shortSecrets_.emplace_back(name, value);
      }
    }
  }

  Status run() {
    // stack_.objects does not grow until the end, so these addresses stay valid.
    for (Object& object : stack_.objects) {
      if (object["kind"] == "Secret" && object.contains("data")) {
        secretData_[object["metadata"]["name"].get<std::string>()] = &object["data"];
      }
    }
    for (std::size_t i = 0; i < stack_.objects.size(); ++i) {
      stack_.current = stack_.serviceOf(stack_.objects[i]);  // an error names its service
      COP_TRY(guardObject(stack_.objects[i]));
    }
    stack_.current = nullptr;
    for (Object& secret : created_) {
      stack_.objects.push_back(std::move(secret));
    }
    return {};
  }

 private:
  // findCredentials, plus the secret variables' values too short for KnownCredentials: for
  // the fields where a reference to the Secret keeps the meaning whatever matched (env
  // values, command, args; literal_guard.h).
  std::vector<Finding> findWithShortSecrets(std::string_view text) const {
    std::vector<Finding> found = findCredentials(text, stack_.credentials);
    const std::size_t before = found.size();
    for (const auto& [name, value] : shortSecrets_) {
      for (std::size_t at = text.find(value); at != std::string_view::npos;
           at = text.find(value, at + value.size())) {
        found.push_back({at, value.size(), name, "a credential"});
      }
    }
    return found.size() == before ? found : nonOverlapping(std::move(found));
  }

  Status guardObject(Object& object) {
    const std::string kind = object.value("kind", "");
    if (kind == "Secret") {
      return walk(object["metadata"], "metadata", object);
    }
    Object* podSpec = nullptr;
    if (object.contains("spec") && object["spec"].contains("template")) {
      podSpec = &object["spec"]["template"]["spec"];
    }
    if (podSpec != nullptr) {
      for (std::string_view list : {"initContainers", "containers"}) {
        if (!podSpec->contains(std::string(list))) {
          continue;
        }
        for (Object& container : (*podSpec)[std::string(list)]) {
          COP_TRY(rewriteContainer(container, object));
        }
      }
    }
    return walk(object, "", object);
  }

  // The service's `-env` Secret's data (found, or created and claimed).
  Result<Object*> envSecretData(const Object& workload, const std::string& service) {
    const std::string name = stack_.envSecretName(service);
    // Claimed as addEnvironment claims it, so that a top-level secret that sanitises to the
    // same name is a collision error, never a Secret the guard writes into.
    const load::Service* composeService = stack_.serviceOf(workload);
    COP_TRY(stack_.names.claim(
        "Secret", name,
        "the environment of service '" + (composeService ? composeService->name : service) + "'",
        originOf(workload, ".env")));
    if (auto it = secretData_.find(name); it != secretData_.end()) {
      return it->second;
    }
    Object secret = Object::object();
    secret["apiVersion"] = "v1";
    secret["kind"] = "Secret";
    secret["metadata"] = stack_.metadata(name, workload["metadata"]["labels"]);
    secret["type"] = "Opaque";
    secret["data"] = Object::object();
    created_.push_back(std::move(secret));
    return secretData_[name] = &created_.back()["data"];
  }

  static std::string secretNameOf(const Object& entry) {
    if (!entry.contains("valueFrom") || !entry["valueFrom"].contains("secretKeyRef")) {
      return "";
    }
    return entry["valueFrom"]["secretKeyRef"].value("name", "");
  }

  // A key of `data` for `name` that no other value holds.
  static std::string freeKey(const Object& data, const std::string& name) {
    const std::string base = sanitizeConfigKey(name);
    std::string key = base;
    for (int n = 2; data.contains(key); ++n) {
      key = base + "-" + std::to_string(n);
    }
    return key;
  }

  // The name of a Secret-backed env var of `container` that holds `value`; added when none.
  Result<std::string> variableFor(Object& container, const Object& workload,
                                  const std::string& preferred, const std::string& value) {
    const std::string service = container["name"].get<std::string>();
    const std::string secretName = stack_.envSecretName(service);
    COP_ASSIGN_OR_RETURN(data, envSecretData(workload, service));
    const std::string encoded = base64Encode(value);
    Object& env = container["env"];  // present: rewriteContainer made sure
    std::set<std::string> taken;
    for (const Object& entry : env) {
      taken.insert(entry["name"].get<std::string>());
      if (secretNameOf(entry) == secretName) {
        const std::string key = entry["valueFrom"]["secretKeyRef"].value("key", "");
        if (data->contains(key) && (*data)[key] == encoded) {
          return entry["name"].get<std::string>();
        }
      }
    }
    std::string name = preferred.empty() ? std::string(kShapeVariable) : preferred;
    const std::string base = name;
    for (int n = 2; taken.contains(name); ++n) {
      name = base + "_" + std::to_string(n);
    }
    const std::string key = freeKey(*data, name);
    (*data)[key] = encoded;
    env.push_back(Object{
        {"name", name},
        {"valueFrom", Object{{"secretKeyRef", Object{{"name", secretName}, {"key", key}}}}}});
    return name;
  }

  Status rewriteContainer(Object& container, const Object& workload) {
    const std::string service = container["name"].get<std::string>();
    const std::string secretName = stack_.envSecretName(service);
    // The container's keys live in a vector (ordered_json): adding "env" while a reference
    // to its command or a probe is held would move them. So "env" exists throughout, and
    // goes again at the end if nothing was added to it.
    const bool hadEnv = container.contains("env");
    if (!hadEnv) {
      container["env"] = Object::array();
    }
    // Env values first, so that command and args can refer to the entries they became.
    for (Object& entry : container["env"]) {
      if (!entry.contains("value") || !entry["value"].is_string()) {
        continue;
      }
      const std::string raw = unescapeDollar(entry["value"].get<std::string>());
      if (findWithShortSecrets(raw).empty()) {
        continue;
      }
      COP_ASSIGN_OR_RETURN(data, envSecretData(workload, service));
      const std::string key = freeKey(*data, entry["name"].get<std::string>());
      (*data)[key] = base64Encode(raw);
      entry.erase("value");
      entry["valueFrom"] = Object{{"secretKeyRef", Object{{"name", secretName}, {"key", key}}}};
    }
    // A shell probe (CMD-SHELL) reads the variable at run time, from the container's env:
    // the shell expands "${NAME}", which Kubernetes does not do for probes. Exec probes have
    // no such reference and are refused by the walk below.
    for (std::string_view probe : {"readinessProbe", "livenessProbe", "startupProbe"}) {
      const std::string key(probe);
      if (!container.contains(key) || !container[key].contains("exec")) {
        continue;
      }
      Object& command = container[key]["exec"]["command"];
      if (command.size() != 3 || command[0] != "/bin/sh" || command[1] != "-c") {
        continue;
      }
      const std::string script = command[2].get<std::string>();
      const std::vector<Finding> findings = findCredentials(script, stack_.credentials);
      std::string rewritten;
      std::size_t at = 0;
      for (const Finding& finding : findings) {
        const std::string value = script.substr(finding.offset, finding.length);
        if (value.find_first_of("'\"\\$`") != std::string::npos) {
          continue;  // a value holding quotes cannot be told from the script's own: refused
        }
        COP_ASSIGN_OR_RETURN(name, variableFor(container, workload, finding.name, value));
        if (!isShellName(name)) {
          continue;  // the shell cannot name it: refused
        }
        rewritten += script.substr(at, finding.offset - at);
        rewritten += shellReference(name, quotingAt(script, finding.offset));
        at = finding.offset + finding.length;
      }
      if (at > 0) {
        command[2] = rewritten + script.substr(at);
      }
    }
    for (std::string_view field : {"command", "args"}) {
      if (!container.contains(std::string(field))) {
        continue;
      }
      for (Object& item : container[std::string(field)]) {
        const std::string raw = unescapeDollar(item.get<std::string>());
        const std::vector<Finding> findings = findWithShortSecrets(raw);
        if (findings.empty()) {
          continue;
        }
        // Every literal '$' is doubled once a $(NAME) reference is in the text.
        std::string rewritten;
        std::size_t at = 0;
        for (const Finding& finding : findings) {
          rewritten += doubleDollars(std::string_view(raw).substr(at, finding.offset - at));
          COP_ASSIGN_OR_RETURN(name, variableFor(container, workload, finding.name,
                                                 raw.substr(finding.offset, finding.length)));
          rewritten += "$(" + name + ")";
          at = finding.offset + finding.length;
        }
        rewritten += doubleDollars(std::string_view(raw).substr(at));
        item = rewritten;
      }
    }
    if (!hadEnv && container["env"].empty()) {
      container.erase("env");
    }
    return {};
  }

  // Refuses any string or key that still holds a credential.
  Status walk(const Object& node, const std::string& path, const Object& object) {
    if (node.is_string()) {
      return check(node.get<std::string>(), path, object);
    }
    if (node.is_array()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        COP_TRY(walk(node[i], path + "[" + std::to_string(i) + "]", object));
      }
      return {};
    }
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        const std::string child = path.empty() ? key : path + "." + key;
        COP_TRY(check(key, child, object));
        COP_TRY(walk(value, child, object));
      }
    }
    return {};
  }

  Status check(const std::string& text, const std::string& path, const Object& object) {
    std::vector<Finding> findings = findCredentials(text, stack_.credentials);
    if (findings.empty() && text.find("$$") != std::string::npos) {
      findings = findCredentials(unescapeDollar(text), stack_.credentials);
    }
    if (findings.empty()) {
      return {};
    }
    const Finding& finding = findings.front();
    const std::string what = finding.name.empty() ? std::string(finding.kind)
                                                  : "the value of the credential " + finding.name;
    const std::string kind = object.value("kind", "object");
    const std::string name = object["metadata"].value("name", "");
    return stack_.failAt(codes::kCredentialLiteral, originOf(object, path),
                         what + " would be a literal in " + path + " of the " + kind + " " + name +
                             "; refused: " + adviceFor(path));
  }

  // The compose origin of an object's field: its service's, or the top-level config's.
  load::Origin originOf(const Object& object, const std::string& path) const {
    const std::string field = composeFieldOf(path);
    if (const load::Service* s = stack_.serviceOf(object)) {
      // A label whose value is not a valid label value became an annotation.
      constexpr std::string_view kAnnotations = "annotations.";
      const std::size_t at = path.find(kAnnotations);
      const std::string key = at == std::string::npos ? "" : path.substr(at + kAnnotations.size());
      const std::string composeField =
          field == "annotations" && s->labels.contains(key) ? "labels" : field;
      return composeField.empty() ? s->origin : s->originOf(composeField);
    }
    const std::string name = object["metadata"].value("name", "");
    for (const auto& [configName, config] : stack_.project.configs) {
      if (stack_.stackName(configName) == name) {
        return config.origin;
      }
    }
    return load::Origin{};
  }

  StackContext& stack_;
  std::vector<std::pair<std::string, std::string>> shortSecrets_;  // (variable, value)
  std::deque<Object> created_;                 // env Secrets made by the guard (stable addresses)
  std::map<std::string, Object*> secretData_;  // every Secret's data, by the Secret's name
};

}  // namespace

std::vector<std::pair<std::string, std::string>> secretValues(
    const load::Project& project, const std::set<std::string>& secretVariables) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& name : secretVariables) {
    if (auto it = project.substitutedVariables.find(name);
        it != project.substitutedVariables.end() && !it->second.empty()) {
      out.emplace_back(name, it->second);
    }
  }
  // A secret or config that takes the variable by `environment:` holds its value too.
  for (const auto* objects : {&project.secrets, &project.configs}) {
    for (const auto& [objectName, object] : *objects) {
      if (object.sourceKind == "environment" && secretVariables.contains(object.sourceDetail) &&
          !object.content.empty() &&
          std::none_of(out.begin(), out.end(), [&object](const auto& known) {
            return known.first == object.sourceDetail;
          })) {
        out.emplace_back(object.sourceDetail, object.content);
      }
    }
  }
  return out;
}

KnownCredentials knownCredentials(
    const load::Project& project,
    const std::vector<std::pair<std::string, std::string>>& secretValues) {
  KnownCredentials known;
  // First: their values came from Kubernetes Secrets, so no other name makes them public.
  for (const auto& [name, value] : secretValues) {
    known.add(value, name);
  }
  std::vector<std::pair<std::string, std::string>> candidates;  // value, name
  std::set<std::string> publicValues;
  for (const auto& [name, value] : project.substitutedVariables) {
    if (isCredentialName(name)) {
      candidates.emplace_back(value, name);
    }
  }
  for (const load::Service& s : project.services) {
    for (const auto& [name, value] : s.environment) {
      if (isCredential(name, value)) {
        candidates.emplace_back(value, name);
      } else {
        publicValues.insert(value);
      }
    }
  }
  for (const auto& [name, secret] : project.secrets) {
    if (!secret.external) {
      std::string content = secret.content;
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.pop_back();
      }
      candidates.emplace_back(std::move(content), variableNameFor(name));
    }
  }
  for (const auto& [value, name] : candidates) {
    if (!publicValues.contains(value) || !findCredentialShapes(value).empty()) {
      known.add(value, name);
    }
  }
  return known;
}

bool holdsCredential(std::string_view text, const KnownCredentials& known) {
  return !findCredentials(text, known).empty();
}

Status guardLiterals(StackContext& stack) {
  return Guard(stack).run();
}

}  // namespace cop::translate::detail
