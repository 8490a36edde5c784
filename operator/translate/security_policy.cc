// The hardening policy: what is rejected outright, and the security contexts every pod and
// container gets. Kubernetes' Pod Security Standards are the reference: "restricted" by
// default, "baseline" on request, and nothing that even baseline forbids.

#include <algorithm>
#include <cctype>

#include "operator/common/text.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

// Capabilities baseline allows a container to add (Pod Security Standards, baseline).
constexpr std::string_view kBaselineCapabilities[] = {
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
constexpr std::string_view kRestrictedCapability = "NET_BIND_SERVICE";

// Sysctls that baseline calls safe (namespaced, no effect outside the pod).
constexpr std::string_view kSafeSysctls[] = {"kernel.shm_rmid_forced",
                                             "net.ipv4.ip_local_port_range",
                                             "net.ipv4.tcp_syncookies",
                                             "net.ipv4.ping_group_range",
                                             "net.ipv4.ip_unprivileged_port_start",
                                             "net.ipv4.ip_local_reserved_ports",
                                             "net.ipv4.tcp_keepalive_time",
                                             "net.ipv4.tcp_fin_timeout",
                                             "net.ipv4.tcp_keepalive_intvl",
                                             "net.ipv4.tcp_keepalive_probes",
                                             "net.ipv4.tcp_rmem",
                                             "net.ipv4.tcp_wmem"};

std::string upper(std::string_view capability) {
  std::string text = toUpper(capability);
  if (text.starts_with("CAP_")) {
    text = text.substr(4);
  }
  return text;
}

bool isUnconfined(const std::string& option) {
  const std::string lowered = toLower(option);
  return lowered == "seccomp:unconfined" || lowered == "seccomp=unconfined" ||
         lowered == "apparmor:unconfined" || lowered == "apparmor=unconfined" ||
         lowered == "systempaths=unconfined";
}

struct ParsedUser {
  std::optional<std::int64_t> uid;
  std::optional<std::int64_t> gid;
  bool root = false;
  bool named = false;       // a user name: cannot be checked or set numerically
  bool namedGroup = false;  // a group name after the colon: likewise
  bool rootGroup = false;   // gid 0 or the group "root"
};

std::optional<std::int64_t> parseId(const std::string& text) {
  if (text.empty() || text.size() > 10 || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return std::nullopt;
  }
  const std::int64_t value = std::stoll(text);
  return value <= 2147483647 ? std::optional<std::int64_t>(value) : std::nullopt;
}

bool isRootGroup(const std::string& group) {
  const auto gid = parseId(group);
  return group == "root" || (gid && *gid == 0);
}

ParsedUser parseUser(const std::string& user) {
  ParsedUser parsed;
  if (user.empty()) {
    return parsed;
  }
  const std::size_t colon = user.find(':');
  const std::string name = user.substr(0, colon);
  const std::string group = colon == std::string::npos ? "" : user.substr(colon + 1);
  parsed.uid = name == "root" ? std::optional<std::int64_t>(0) : parseId(name);
  parsed.named = !parsed.uid.has_value();
  parsed.root = name == "root" || (parsed.uid && *parsed.uid == 0);
  if (!group.empty()) {
    parsed.gid = group == "root" ? std::optional<std::int64_t>(0) : parseId(group);
    parsed.namedGroup = !parsed.gid.has_value();
    parsed.rootGroup = isRootGroup(group);
  }
  return parsed;
}

// Namespace modes other than `host` (which checkForbidden refuses). Those that Kubernetes
// gives every pod anyway need no word; any other cannot be expressed in a pod.
struct NamespaceMode {
  std::string_view key;
  const std::string load::Service::*field;
  std::string_view equivalent[3];  // modes that match a pod's own namespaces
  std::string_view reason;
};
constexpr NamespaceMode kNamespaceModes[] = {
    {"pid",
     &load::Service::pid,
     {"private"},
     "each pod has its own PID namespace; it cannot join another's"},
    {"ipc",
     &load::Service::ipc,
     {"private", "shareable"},
     "each pod has its own IPC namespace; it cannot join another's"},
    {"uts", &load::Service::uts, {}, "each pod has its own UTS namespace"},
    {"userns_mode",
     &load::Service::usernsMode,
     {},
     "user namespaces are a node setting (hostUsers) in Kubernetes"},
    {"cgroup", &load::Service::cgroup, {"private"}, "each pod has its own cgroup namespace"},
};

}  // namespace

Status checkForbidden(const load::Service& s, const StackContext& stack) {
  const bool restricted = stack.options.profile == SecurityProfile::kRestricted;
  if (s.privileged) {
    return stack.failAt(
        codes::kPrivilegedService, s.originOf("privileged"),
        "privileged containers are not allowed (Pod Security baseline forbids them)");
  }
  struct HostMode {
    std::string_view key;
    const std::string& value;
  };
  for (const HostMode& mode :
       {HostMode{"network_mode", s.networkMode}, HostMode{"pid", s.pid}, HostMode{"ipc", s.ipc},
        HostMode{"uts", s.uts}, HostMode{"userns_mode", s.usernsMode},
        HostMode{"cgroup", s.cgroup}}) {
    if (mode.value == "host") {
      return stack.failAt(
          codes::kHostNamespace, s.originOf(std::string(mode.key)),
          std::string(mode.key) +
              ": host is not allowed (sharing the node's namespaces breaks isolation)");
    }
  }
  for (const NamespaceMode& mode : kNamespaceModes) {
    const std::string& value = s.*mode.field;
    if (value.empty() || value == "host" ||
        std::find(std::begin(mode.equivalent), std::end(mode.equivalent), value) !=
            std::end(mode.equivalent)) {
      continue;
    }
    stack.warn(codes::kIgnoredValue, s.originOf(std::string(mode.key)),
               "not carried over to Kubernetes: " + std::string(mode.reason));
  }
  if (s.networkMode.starts_with("service:") || s.networkMode.starts_with("container:")) {
    return stack.failAt(codes::kSharedNamespace, s.originOf("network_mode"),
                        "sharing another container's network (" + s.networkMode +
                            ") is not supported: each service is its own pod; reach it by its "
                            "service name instead");
  }
  if (!s.devices.empty()) {
    return stack.failAt(codes::kHostDevice, s.originOf("devices"),
                        "host devices are not allowed (Pod Security forbids host device access)");
  }
  for (const std::string& option : s.securityOpt) {
    if (isUnconfined(option)) {
      return stack.failAt(codes::kUnconfined, s.originOf("security_opt"),
                          "'" + option +
                              "' is not allowed: every container runs confined "
                              "(seccomp RuntimeDefault)");
    }
  }
  const ParsedUser user = parseUser(s.user);
  if (restricted && user.root) {
    return stack.failAt(codes::kRootUser, s.originOf("user"),
                        "running as root is not allowed under the restricted security profile "
                        "(use a non-root user, or --security-profile baseline)");
  }
  // The root group gives a non-root user root's group permissions (files owned by gid 0 in
  // the image); the restricted profile refuses it as it refuses uid 0.
  if (restricted && user.rootGroup) {
    return stack.failAt(codes::kRootGroup, s.originOf("user"),
                        "the root group (gid 0) is not allowed under the restricted security "
                        "profile (use a non-zero group, or --security-profile baseline)");
  }
  if (restricted && std::any_of(s.groupAdd.begin(), s.groupAdd.end(), isRootGroup)) {
    return stack.failAt(codes::kRootGroup, s.originOf("group_add"),
                        "adding the root group (gid 0) is not allowed under the restricted "
                        "security profile");
  }
  for (const std::string& capability : s.capAdd) {
    const std::string cap = upper(capability);
    const bool allowed =
        restricted ? cap == kRestrictedCapability
                   : std::find(std::begin(kBaselineCapabilities), std::end(kBaselineCapabilities),
                               cap) != std::end(kBaselineCapabilities);
    if (!allowed) {
      return stack.failAt(codes::kForbiddenCapability, s.originOf("cap_add"),
                          "the capability " + cap + " is not allowed under the " +
                              (restricted ? "restricted" : "baseline") + " security profile" +
                              (restricted ? " (only NET_BIND_SERVICE)" : ""));
    }
  }
  for (const auto& [name, value] : s.sysctls) {
    if (std::find(std::begin(kSafeSysctls), std::end(kSafeSysctls), name) ==
        std::end(kSafeSysctls)) {
      return stack.failAt(codes::kUnsafeSysctl, s.originOf("sysctls"),
                          "the sysctl " + name + " is not in Pod Security's safe set");
    }
  }
  return {};
}

Result<Object> podSecurityContext(const load::Service& s, const StackContext& stack) {
  const bool restricted = stack.options.profile == SecurityProfile::kRestricted;
  const ParsedUser user = parseUser(s.user);
  Object context = Object::object();
  if (user.named) {
    stack.warn(codes::kNonNumericId, s.originOf("user"),
               "the user '" + s.user + "' is a name; Kubernetes needs a numeric uid" +
                   (restricted ? ", so the container runs as uid " + std::to_string(kDefaultUid)
                               : ", so the image's user is kept"));
  }
  std::optional<std::int64_t> uid = user.uid;
  if (!uid && restricted) {
    uid = kDefaultUid;
  }
  if (!user.root) {
    if (uid || restricted) {
      context["runAsNonRoot"] = true;
    }
  }
  if (user.namedGroup) {
    stack.warn(codes::kNonNumericId, s.originOf("user"),
               "the group in the user '" + s.user +
                   "' is a name; Kubernetes needs a numeric gid, so the container runs with gid " +
                   (uid ? std::to_string(*uid) : std::string("of the image")));
  }
  if (uid) {
    context["runAsUser"] = *uid;
    const std::int64_t gid = user.gid.value_or(*uid);
    context["runAsGroup"] = gid;
    context["fsGroup"] = gid;
  }
  Object supplemental = Object::array();
  for (const std::string& group : s.groupAdd) {
    if (auto gid = parseId(group)) {
      supplemental.push_back(*gid);
    } else {
      stack.warn(codes::kNonNumericId, s.originOf("group_add"),
                 "the group '" + group + "' is a name; only numeric groups can be added");
    }
  }
  if (!supplemental.empty()) {
    context["supplementalGroups"] = std::move(supplemental);
  }
  context["seccompProfile"] = Object{{"type", "RuntimeDefault"}};
  if (!s.sysctls.empty()) {
    Object sysctls = Object::array();
    for (const auto& [name, value] : s.sysctls) {
      sysctls.push_back(Object{{"name", name}, {"value", value}});
    }
    context["sysctls"] = std::move(sysctls);
  }
  return context;
}

Result<Object> containerSecurityContext(const load::Service& s, const StackContext& stack) {
  (void)stack;
  Object context = Object::object();
  context["allowPrivilegeEscalation"] = false;
  Object capabilities = Object::object();
  capabilities["drop"] = Object::array({"ALL"});
  Object add = Object::array();
  std::set<std::string> added;
  for (const std::string& capability : s.capAdd) {
    if (added.insert(upper(capability)).second) {
      add.push_back(upper(capability));
    }
  }
  if (!add.empty()) {
    capabilities["add"] = std::move(add);
  }
  context["capabilities"] = std::move(capabilities);
  context["readOnlyRootFilesystem"] = s.readOnly.value_or(true);
  for (const std::string& option : s.securityOpt) {
    if (option.starts_with("no-new-privileges")) {
      continue;  // already in force
    }
    stack.warn(codes::kIgnoredValue, s.originOf("security_opt"),
               "the security option '" + option +
                   "' is not carried over: every container gets seccomp RuntimeDefault and no "
                   "privilege escalation");
  }
  return context;
}

}  // namespace cop::translate::detail
