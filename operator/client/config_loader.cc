#include "operator/client/config_loader.h"

#include <set>

#include "operator/client/kubeconfig_merge.h"
#include "operator/client/kubeconfig_parser.h"

namespace cop::client {
namespace {

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// Reads a PEM file named by a kubeconfig field; the error names the field and its origin.
Result<std::string> readReferenced(const FileReader& files, const std::string& path,
                                   const Origin& origin, const std::string& field) {
  auto content = files.read(path);
  if (!content) {
    return fail("cannot read the file it names: " + content.error().message,
                origin.path + "." + field, origin.file, origin.line);
  }
  return std::move(*content);
}

Status exclusive(bool a, bool b, const Origin& origin, const std::string& fileField,
                 const std::string& dataField) {
  // client-go tools/clientcmd/validation.go refuses both (the data would override the file).
  if (a && b) {
    return fail(fileField + " and " + dataField + " are both set; set one",
                origin.path + "." + dataField, origin.file, origin.line);
  }
  return {};
}

Status applyCluster(const ClusterEntry& cluster, const std::string& name, const FileReader& files,
                    RestConfig& out) {
  if (cluster.server.empty()) {
    return fail("cluster \"" + name + "\" has no server", cluster.origin.path + ".server",
                cluster.origin.file, cluster.origin.line);
  }
  COP_TRY(exclusive(!cluster.certificateAuthority.empty(),
                    !cluster.certificateAuthorityData.empty(), cluster.origin,
                    "certificate-authority", "certificate-authority-data"));
  out.server = cluster.server;
  out.insecureSkipTlsVerify = cluster.insecureSkipTlsVerify;
  out.tlsServerName = cluster.tlsServerName;
  out.proxyUrl = cluster.proxyUrl;
  if (!cluster.certificateAuthorityData.empty()) {
    out.caPem = cluster.certificateAuthorityData;
  } else if (!cluster.certificateAuthority.empty()) {
    COP_ASSIGN_OR_RETURN(ca, readReferenced(files, cluster.certificateAuthority, cluster.origin,
                                            "certificate-authority"));
    out.caPem = std::move(ca);
    out.caFile = cluster.certificateAuthority;
  }
  return {};
}

Status applyUser(const UserEntry& user, const FileReader& files, RestConfig& out) {
  COP_TRY(exclusive(!user.clientCertificate.empty(), !user.clientCertificateData.empty(),
                    user.origin, "client-certificate", "client-certificate-data"));
  COP_TRY(exclusive(!user.clientKey.empty(), !user.clientKeyData.empty(), user.origin, "client-key",
                    "client-key-data"));
  out.clientCertificatePem = user.clientCertificateData;
  out.clientKeyPem = user.clientKeyData;
  if (!user.clientCertificate.empty()) {
    COP_ASSIGN_OR_RETURN(
        cert, readReferenced(files, user.clientCertificate, user.origin, "client-certificate"));
    out.clientCertificatePem = std::move(cert);
  }
  if (!user.clientKey.empty()) {
    COP_ASSIGN_OR_RETURN(key, readReferenced(files, user.clientKey, user.origin, "client-key"));
    out.clientKeyPem = std::move(key);
  }
  // A certificate needs its key and a key its certificate (client-go validation.go).
  if (out.clientCertificatePem.empty() != out.clientKeyPem.empty()) {
    const std::string missing = out.clientKeyPem.empty()
                                    ? "client-key or client-key-data"
                                    : "client-certificate or client-certificate-data";
    return fail(
        "a client certificate needs both a certificate and a key; " + missing + " is missing",
        user.origin.path, user.origin.file, user.origin.line);
  }
  out.bearerToken = user.token;
  out.tokenFile = user.tokenFile;
  out.exec = user.exec;
  return {};
}

}  // namespace

std::vector<std::string> splitKubeconfigList(const std::string& list) {
  std::vector<std::string> paths;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(':', start);
    if (end == std::string::npos) {
      end = list.size();
    }
    std::string path = list.substr(start, end - start);
    if (!path.empty() && seen.insert(path).second) {
      paths.push_back(std::move(path));
    }
    start = end + 1;
  }
  return paths;
}

Result<Kubeconfig> loadKubeconfigFiles(const std::vector<std::string>& paths,
                                       const FileReader& files, bool missingIsError) {
  std::vector<Kubeconfig> parsed;
  for (const std::string& path : paths) {
    auto text = files.read(path);
    if (!text) {
      if (text.error().kind == FileFailure::kNotFound && !missingIsError) {
        continue;  // client-go skips a missing file of the KUBECONFIG list
      }
      return fail("cannot read the kubeconfig: " + text.error().message, "", path);
    }
    COP_ASSIGN_OR_RETURN(config, parseKubeconfig(*text, path));
    parsed.push_back(std::move(config));
  }
  return mergeKubeconfigs(parsed);
}

Result<RestConfig> restConfigFromKubeconfig(const Kubeconfig& config, const std::string& context,
                                            const FileReader& files) {
  const std::string name = context.empty() ? config.currentContext : context;
  if (name.empty()) {
    return fail("no context: the kubeconfig sets no current-context and --context is not given",
                "current-context");
  }
  auto ctx = config.contexts.find(name);
  if (ctx == config.contexts.end()) {
    return fail("context \"" + name + "\" is not defined in the kubeconfig",
                context.empty() ? "current-context" : "", config.currentContextFile);
  }
  const ContextEntry& entry = ctx->second;
  auto cluster = config.clusters.find(entry.cluster);
  if (entry.cluster.empty() || cluster == config.clusters.end()) {
    return fail(
        "context \"" + name + "\" names cluster \"" + entry.cluster + "\", which is not defined",
        entry.origin.path + ".cluster", entry.origin.file, entry.origin.line);
  }
  RestConfig out;
  COP_TRY(applyCluster(cluster->second, entry.cluster, files, out));
  if (!entry.user.empty()) {
    auto user = config.users.find(entry.user);
    if (user == config.users.end()) {
      return fail(
          "context \"" + name + "\" names user \"" + entry.user + "\", which is not defined",
          entry.origin.path + ".user", entry.origin.file, entry.origin.line);
    }
    COP_TRY(applyUser(user->second, files, out));
  }
  out.namespaceName = entry.namespaceName.empty() ? kDefaultNamespace : entry.namespaceName;
  out.source = "kubeconfig " + entry.origin.file + ", context " + name;
  return out;
}

Result<RestConfig> inClusterConfig(const Environment& env, const FileReader& files) {
  const std::string host = env.get("KUBERNETES_SERVICE_HOST").value_or("");
  const std::string port = env.get("KUBERNETES_SERVICE_PORT").value_or("");
  if (host.empty() || port.empty()) {
    return fail(
        "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
        "must be set");
  }
  RestConfig out;
  // client-go rest/config.go: net.JoinHostPort brackets an IPv6 address.
  const bool ipv6 = host.find(':') != std::string::npos;
  out.server = "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port;
  auto token = files.read(kServiceAccountToken);
  if (!token) {
    return fail("in-cluster: cannot read the service-account token: " + token.error().message, "",
                kServiceAccountToken);
  }
  out.bearerToken = trimmed(std::move(*token));
  out.tokenFile = kServiceAccountToken;
  // client-go logs and goes on without a CA when ca.crt cannot be read; so do we.
  if (auto ca = files.read(kServiceAccountCa)) {
    out.caPem = std::move(*ca);
    out.caFile = kServiceAccountCa;
  }
  auto ns = files.read(kServiceAccountNamespace);
  out.namespaceName = ns ? trimmed(std::move(*ns)) : std::string();
  if (out.namespaceName.empty()) {
    out.namespaceName = kDefaultNamespace;
  }
  out.source = "in-cluster";
  return out;
}

Result<RestConfig> loadRestConfig(const ConfigOverrides& overrides, const Environment& env,
                                  const FileReader& files) {
  if (!overrides.kubeconfigPath.empty()) {
    COP_ASSIGN_OR_RETURN(config, loadKubeconfigFiles({overrides.kubeconfigPath}, files, true));
    return restConfigFromKubeconfig(config, overrides.context, files);
  }
  const std::string list = env.get(kKubeconfigEnvVar).value_or("");
  if (!list.empty()) {
    const auto paths = splitKubeconfigList(list);
    COP_ASSIGN_OR_RETURN(config, loadKubeconfigFiles(paths, files, false));
    if (config.empty()) {
      return fail("KUBECONFIG names no readable kubeconfig with any entry", kKubeconfigEnvVar);
    }
    return restConfigFromKubeconfig(config, overrides.context, files);
  }
  // controller-runtime tries in-cluster only without KUBECONFIG, and falls through to the home
  // file when in-cluster fails.
  auto inCluster = inClusterConfig(env, files);
  if (inCluster) {
    return inCluster;
  }
  const std::string home = env.get("HOME").value_or("");
  const std::string homeFile =
      home.empty() ? std::string() : home + (home.back() == '/' ? "" : "/") + kHomeKubeconfig;
  Kubeconfig config;
  if (!homeFile.empty()) {
    COP_ASSIGN_OR_RETURN(loaded, loadKubeconfigFiles({homeFile}, files, false));
    config = std::move(loaded);
  }
  if (config.empty()) {
    return fail(
        "no configuration: no --kubeconfig, no KUBECONFIG, no in-cluster configuration (" +
        inCluster.error().message + "), and " +
        (homeFile.empty() ? std::string("HOME is unset") : homeFile + " is missing or empty"));
  }
  return restConfigFromKubeconfig(config, overrides.context, files);
}

}  // namespace cop::client
