#include "operator/client/exec_credential.h"

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "operator/client/json_fields.h"
#include "operator/common/base64.h"

namespace cop::client {
namespace {

Unexpected<Error> execFail(const ExecConfig& exec, std::string message, std::string path = {}) {
  return fail("exec plugin \"" + exec.command + "\": " + std::move(message), std::move(path));
}

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, 0, 4, y) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, mo) ||
      text[7] != '-' || !digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !digits(text, 11, 2, h) || text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' ||
      !digits(text, 17, 2, s)) {
    return std::nullopt;
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    long long value = 0;
    int scale = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (scale < 9) {
        value = value * 10 + (text[pos] - '0');
        ++scale;
      }
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
    for (; scale < 9; ++scale) {
      value *= 10;
    }
    fraction = nanoseconds{value};
  }
  minutes offset{0};
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = minutes{(text[pos] == '-' ? -1 : 1) * (oh * 60 + om)};
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  const sys_time<nanoseconds> local =
      sys_days{date} + hours{h} + minutes{mi} + seconds{s} + fraction;
  return time_point_cast<system_clock::duration>(local - offset);
}

std::string execRequestJson(const ExecConfig& exec, const ExecClusterInfo& cluster,
                            bool interactive) {
  nlohmann::ordered_json spec;
  spec["interactive"] = interactive;
  if (exec.provideClusterInfo) {
    nlohmann::ordered_json c;
    c["server"] = cluster.server;
    if (!cluster.tlsServerName.empty()) {
      c["tls-server-name"] = cluster.tlsServerName;
    }
    if (cluster.insecureSkipTlsVerify) {
      c["insecure-skip-tls-verify"] = true;
    }
    if (!cluster.caPem.empty()) {
      c["certificate-authority-data"] = base64Encode(cluster.caPem);
    }
    if (!cluster.proxyUrl.empty()) {
      c["proxy-url"] = cluster.proxyUrl;
    }
    spec["cluster"] = std::move(c);
  }
  nlohmann::ordered_json request;
  request["apiVersion"] = exec.apiVersion;
  request["kind"] = "ExecCredential";
  request["spec"] = std::move(spec);
  return request.dump();
}

Result<ExecInvocation> buildExecInvocation(
    const ExecConfig& exec, const ExecClusterInfo& cluster,
    const std::vector<std::pair<std::string, std::string>>& parentEnv, bool stdinIsTerminal) {
  bool interactive = false;
  switch (exec.interactiveMode) {
    case InteractiveMode::kNever:
      interactive = false;
      break;
    case InteractiveMode::kIfAvailable:
      interactive = stdinIsTerminal;
      break;
    case InteractiveMode::kAlways:
      if (!stdinIsTerminal) {
        return execFail(exec, "interactiveMode is Always but no terminal is available");
      }
      interactive = true;
      break;
  }
  ExecInvocation inv;
  inv.command = exec.command;
  inv.args = exec.args;
  inv.interactive = interactive;
  // Later entries replace earlier ones of the same name; the order of first appearance stays.
  std::map<std::string, std::size_t> index;
  auto set = [&](const std::string& name, const std::string& value) {
    auto [it, inserted] = index.emplace(name, inv.env.size());
    if (inserted) {
      inv.env.emplace_back(name, value);
    } else {
      inv.env[it->second].second = value;
    }
  };
  for (const auto& [name, value] : parentEnv) {
    set(name, value);
  }
  for (const ExecEnvVar& var : exec.env) {
    set(var.name, var.value);
  }
  set(kExecInfoEnvVar, execRequestJson(exec, cluster, interactive));
  return inv;
}

Result<ExecCredential> parseExecCredential(std::string_view output, const ExecConfig& exec) {
  // No exceptions, and no parser message: it could quote the output, which holds the token.
  const nlohmann::json doc = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return execFail(exec, "its output is not an ExecCredential JSON object");
  }
  if (stringAt(doc, "kind") != "ExecCredential") {
    return execFail(exec, "its output is not of kind ExecCredential", "kind");
  }
  // client-go exec.go: the response's apiVersion must equal the configured one.
  if (stringAt(doc, "apiVersion") != exec.apiVersion) {
    return execFail(exec, "its output's apiVersion is not " + exec.apiVersion, "apiVersion");
  }
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) {
    return execFail(exec, "its output has no status", "status");
  }
  ExecCredential cred;
  for (const char* key :
       {"token", "clientCertificateData", "clientKeyData", "expirationTimestamp"}) {
    auto it = status->find(key);
    if (it != status->end() && !it->is_null() && !it->is_string()) {
      return execFail(exec, "must be a string", std::string("status.") + key);
    }
  }
  cred.token = stringAt(*status, "token");
  cred.clientCertificatePem = stringAt(*status, "clientCertificateData");
  cred.clientKeyPem = stringAt(*status, "clientKeyData");
  if (cred.clientCertificatePem.empty() != cred.clientKeyPem.empty()) {
    return execFail(
        exec, "clientCertificateData and clientKeyData must be set together",
        cred.clientKeyPem.empty() ? "status.clientKeyData" : "status.clientCertificateData");
  }
  if (cred.token.empty() && cred.clientCertificatePem.empty()) {
    return execFail(exec, "its output has neither a token nor a client certificate", "status");
  }
  const std::string expiry = stringAt(*status, "expirationTimestamp");
  if (!expiry.empty()) {
    cred.expiration = parseRfc3339(expiry);
    if (!cred.expiration) {
      return execFail(exec, "is not an RFC 3339 time", "status.expirationTimestamp");
    }
  }
  return cred;
}

}  // namespace cop::client
