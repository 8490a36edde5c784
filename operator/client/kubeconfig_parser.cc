#include "operator/client/kubeconfig_parser.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "operator/common/base64.h"
#include "operator/load/paths.h"

namespace cop::client {
namespace {

// Reads fields of one YAML mapping; every error carries the file, the line and the path.
class Fields {
 public:
  Fields(const YAML::Node& node, const std::string& file, std::string path)
      : node_(node), file_(file), path_(std::move(path)) {}

  std::string fieldPath(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  int line() const { return node_.Mark().line + 1; }

  Unexpected<Error> error(const std::string& key, std::string message) const {
    const YAML::Node value = node_[key];
    const int at = value ? value.Mark().line + 1 : line();
    return fail(std::move(message), fieldPath(key), file_, at);
  }

  Result<std::string> string(const std::string& key) const {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) {
      return std::string();
    }
    if (!value.IsScalar()) {
      return error(key, "must be a string");
    }
    return value.Scalar();
  }

  Result<bool> boolean(const std::string& key) const {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) {
      return false;
    }
    if (value.IsScalar()) {
      const std::string& s = value.Scalar();
      if (s == "true" || s == "True" || s == "TRUE") {
        return true;
      }
      if (s == "false" || s == "False" || s == "FALSE") {
        return false;
      }
    }
    return error(key, "must be true or false");
  }

  // A base64 field (certificate-authority-data, client-key-data): decoded, or an error that
  // names the field and never the text.
  Result<std::string> base64(const std::string& key) const {
    COP_ASSIGN_OR_RETURN(text, string(key));
    if (text.empty()) {
      return text;
    }
    auto decoded = base64Decode(text);
    if (!decoded) {
      return error(key, "is not valid base64");
    }
    return std::move(*decoded);
  }

  // A mapping child, or an undefined node when absent/null.
  Result<YAML::Node> map(const std::string& key) const {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    if (!value.IsMap()) {
      return error(key, "must be a mapping");
    }
    return value;
  }

  Result<YAML::Node> sequence(const std::string& key) const {
    const YAML::Node value = node_[key];
    if (!value || value.IsNull()) {
      return YAML::Node(YAML::NodeType::Undefined);
    }
    if (!value.IsSequence()) {
      return error(key, "must be a list");
    }
    return value;
  }

 private:
  const YAML::Node node_;  // a handle (cheap to copy); const so [] never inserts
  const std::string& file_;
  std::string path_;
};

// client-go ResolvePaths: a relative path is relative to the file that names it.
std::string resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || dir.empty()) {
    return path;
  }
  return dir == "/" ? "/" + path : dir + "/" + path;
}

Result<InteractiveMode> parseInteractiveMode(const Fields& f, const std::string& apiVersion) {
  COP_ASSIGN_OR_RETURN(mode, f.string("interactiveMode"));
  if (mode == "Never") {
    return InteractiveMode::kNever;
  }
  if (mode == "IfAvailable") {
    return InteractiveMode::kIfAvailable;
  }
  if (mode == "Always") {
    return InteractiveMode::kAlways;
  }
  if (mode.empty()) {
    // client-go tools/clientcmd/validation.go: required for v1; api/v1/defaults.go defaults
    // it to IfAvailable for v1beta1.
    if (apiVersion == "client.authentication.k8s.io/v1") {
      return f.error("interactiveMode", "is required for client.authentication.k8s.io/v1");
    }
    return InteractiveMode::kIfAvailable;
  }
  return f.error("interactiveMode", "must be Never, IfAvailable or Always");
}

Result<ExecConfig> parseExec(const YAML::Node& node, const std::string& file,
                             const std::string& path, const std::string& dir) {
  Fields f(node, file, path);
  ExecConfig exec;
  COP_ASSIGN_OR_RETURN(apiVersion, f.string("apiVersion"));
  if (apiVersion.empty()) {
    return f.error("apiVersion", "is required");
  }
  if (apiVersion != "client.authentication.k8s.io/v1" &&
      apiVersion != "client.authentication.k8s.io/v1beta1") {
    return f.error(
        "apiVersion",
        "must be client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1");
  }
  exec.apiVersion = apiVersion;
  COP_ASSIGN_OR_RETURN(command, f.string("command"));
  if (command.empty()) {
    return f.error("command", "is required");
  }
  // client-go ResolvePaths resolves the command only when it holds a path separator; a bare
  // name is looked up in PATH.
  exec.command = command.find('/') == std::string::npos ? command : resolve(dir, command);
  COP_ASSIGN_OR_RETURN(args, f.sequence("args"));
  for (std::size_t i = 0; args && i < args.size(); ++i) {
    if (!args[i].IsScalar()) {
      return fail("must be a string", f.fieldPath("args") + "[" + std::to_string(i) + "]", file,
                  args[i].Mark().line + 1);
    }
    exec.args.push_back(args[i].Scalar());
  }
  COP_ASSIGN_OR_RETURN(env, f.sequence("env"));
  for (std::size_t i = 0; env && i < env.size(); ++i) {
    const std::string itemPath = f.fieldPath("env") + "[" + std::to_string(i) + "]";
    if (!env[i].IsMap()) {
      return fail("must be a mapping with name and value", itemPath, file, env[i].Mark().line + 1);
    }
    Fields item(env[i], file, itemPath);
    COP_ASSIGN_OR_RETURN(name, item.string("name"));
    if (name.empty()) {
      return item.error("name", "is required");
    }
    COP_ASSIGN_OR_RETURN(value, item.string("value"));
    exec.env.push_back({name, value});
  }
  COP_ASSIGN_OR_RETURN(installHint, f.string("installHint"));
  exec.installHint = installHint;
  COP_ASSIGN_OR_RETURN(provide, f.boolean("provideClusterInfo"));
  exec.provideClusterInfo = provide;
  COP_ASSIGN_OR_RETURN(mode, parseInteractiveMode(f, apiVersion));
  exec.interactiveMode = mode;
  return exec;
}

Result<ClusterEntry> parseCluster(const YAML::Node& node, const std::string& file,
                                  const std::string& path, const std::string& dir) {
  Fields f(node, file, path);
  ClusterEntry c;
  c.origin = {file, f.line(), path};
  COP_ASSIGN_OR_RETURN(server, f.string("server"));
  c.server = server;
  COP_ASSIGN_OR_RETURN(ca, f.string("certificate-authority"));
  c.certificateAuthority = resolve(dir, ca);
  COP_ASSIGN_OR_RETURN(caData, f.base64("certificate-authority-data"));
  c.certificateAuthorityData = std::move(caData);
  COP_ASSIGN_OR_RETURN(insecure, f.boolean("insecure-skip-tls-verify"));
  c.insecureSkipTlsVerify = insecure;
  COP_ASSIGN_OR_RETURN(tlsServerName, f.string("tls-server-name"));
  c.tlsServerName = tlsServerName;
  COP_ASSIGN_OR_RETURN(proxyUrl, f.string("proxy-url"));
  c.proxyUrl = proxyUrl;
  return c;
}

Result<UserEntry> parseUser(const YAML::Node& node, const std::string& file,
                            const std::string& path, const std::string& dir) {
  Fields f(node, file, path);
  UserEntry u;
  u.origin = {file, f.line(), path};
  COP_ASSIGN_OR_RETURN(cert, f.string("client-certificate"));
  u.clientCertificate = resolve(dir, cert);
  COP_ASSIGN_OR_RETURN(certData, f.base64("client-certificate-data"));
  u.clientCertificateData = std::move(certData);
  COP_ASSIGN_OR_RETURN(key, f.string("client-key"));
  u.clientKey = resolve(dir, key);
  COP_ASSIGN_OR_RETURN(keyData, f.base64("client-key-data"));
  u.clientKeyData = std::move(keyData);
  COP_ASSIGN_OR_RETURN(token, f.string("token"));
  u.token = std::move(token);
  COP_ASSIGN_OR_RETURN(tokenFile, f.string("tokenFile"));
  u.tokenFile = resolve(dir, tokenFile);
  if (node["auth-provider"] && !node["auth-provider"].IsNull()) {
    return f.error("auth-provider", "auth-provider plugins are not supported; use exec");
  }
  if ((node["username"] && !node["username"].IsNull()) ||
      (node["password"] && !node["password"].IsNull())) {
    return f.error(node["username"] ? "username" : "password",
                   "basic authentication is not supported");
  }
  COP_ASSIGN_OR_RETURN(exec, f.map("exec"));
  if (exec) {
    COP_ASSIGN_OR_RETURN(parsed, parseExec(exec, file, f.fieldPath("exec"), dir));
    u.exec = std::move(parsed);
  }
  return u;
}

Result<ContextEntry> parseContext(const YAML::Node& node, const std::string& file,
                                  const std::string& path) {
  Fields f(node, file, path);
  ContextEntry c;
  c.origin = {file, f.line(), path};
  COP_ASSIGN_OR_RETURN(cluster, f.string("cluster"));
  c.cluster = cluster;
  COP_ASSIGN_OR_RETURN(user, f.string("user"));
  c.user = user;
  COP_ASSIGN_OR_RETURN(ns, f.string("namespace"));
  c.namespaceName = ns;
  return c;
}

// One named list (clusters, users, contexts): [{name, <body>}]; a name twice in one file is an
// error (client-go keeps the last silently; we refuse the ambiguity).
template <typename Entry, typename Parse>
Status parseNamedList(const Fields& top, const std::string& list, const std::string& body,
                      const std::string& file, std::map<std::string, Entry>& out, Parse parse) {
  COP_ASSIGN_OR_RETURN(items, top.sequence(list));
  for (std::size_t i = 0; items && i < items.size(); ++i) {
    const std::string itemPath = list + "[" + std::to_string(i) + "]";
    if (!items[i].IsMap()) {
      return fail("must be a mapping with name and " + body, itemPath, file,
                  items[i].Mark().line + 1);
    }
    Fields item(items[i], file, itemPath);
    COP_ASSIGN_OR_RETURN(name, item.string("name"));
    if (name.empty()) {
      return item.error("name", "is required");
    }
    if (out.contains(name)) {
      return item.error("name", "duplicate " + list + " entry \"" + name + "\" in this file");
    }
    COP_ASSIGN_OR_RETURN(bodyNode, item.map(body));
    if (!bodyNode) {
      return item.error(body, "is required");
    }
    COP_ASSIGN_OR_RETURN(entry, parse(bodyNode, item.fieldPath(body)));
    out.emplace(name, std::move(entry));
  }
  return {};
}

Result<Kubeconfig> parseDocument(const YAML::Node& root, const std::string& file) {
  Kubeconfig config;
  if (!root || root.IsNull()) {
    return config;  // an empty file is an empty config, as in client-go
  }
  if (!root.IsMap()) {
    return fail("a kubeconfig must be a mapping", "", file, root.Mark().line + 1);
  }
  const std::string dir = load::directoryOf(file);
  Fields top(root, file, "");
  COP_TRY(parseNamedList(
      top, "clusters", "cluster", file, config.clusters,
      [&](const YAML::Node& n, const std::string& p) { return parseCluster(n, file, p, dir); }));
  COP_TRY(parseNamedList(
      top, "users", "user", file, config.users,
      [&](const YAML::Node& n, const std::string& p) { return parseUser(n, file, p, dir); }));
  COP_TRY(parseNamedList(
      top, "contexts", "context", file, config.contexts,
      [&](const YAML::Node& n, const std::string& p) { return parseContext(n, file, p); }));
  COP_ASSIGN_OR_RETURN(current, top.string("current-context"));
  config.currentContext = current;
  if (!current.empty()) {
    config.currentContextFile = file;
  }
  return config;
}

}  // namespace

Result<Kubeconfig> parseKubeconfig(std::string_view text, const std::string& file) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return parseDocument(root, file);
  } catch (const YAML::Exception& e) {
    // e.msg is yaml-cpp's description of the syntax error; it quotes no content.
    return fail("invalid YAML: " + e.msg, "", file, e.mark.line >= 0 ? e.mark.line + 1 : 0);
  }
}

}  // namespace cop::client
