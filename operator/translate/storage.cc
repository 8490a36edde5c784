// Named volumes -> PersistentVolumeClaims, tmpfs -> memory-backed emptyDirs, small
// bind-mounted files -> ConfigMaps (Secrets when they hold credentials), and the writable /tmp that
// a read-only root filesystem needs. Host paths are refused: Pod Security forbids hostPath.

#include <algorithm>

#include "operator/common/base64.h"
#include "operator/common/credentials.h"
#include "operator/load/paths.h"
#include "operator/load/units.h"
#include "operator/translate/defaults.h"
#include "operator/translate/literal_guard.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

constexpr std::string_view kKomposeSizeLabel = "kompose.volume.size";
constexpr std::string_view kKomposeClassLabel = "kompose.volume.storage-class-name";

// A storage quantity as Kubernetes writes one: digits, an optional fraction, and an optional
// binary or decimal suffix ("1Gi", "500M", "1.5Ti").
bool isQuantity(const std::string& text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      ++i;
    }
    return i > start;
  };
  if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) {
      return false;
    }
  }
  static constexpr std::string_view kSuffixes[] = {"",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
                                                   "k", "M",  "G",  "T",  "P",  "E"};
  const std::string_view suffix = std::string_view(text).substr(i);
  return std::find(std::begin(kSuffixes), std::end(kSuffixes), suffix) != std::end(kSuffixes);
}

// Size and class: x-kubernetes on the volume, then kompose labels on the volume, then on the
// service that mounts it (kompose reads both), then the defaults.
Result<Object> claimObject(const load::Volume& volume, const load::Service& service,
                           const std::string& claimName, StackContext& stack) {
  auto pick = [&](const std::optional<std::string>& extension,
                  std::string_view label) -> std::optional<std::string> {
    if (extension) {
      return extension;
    }
    if (auto it = volume.labels.find(std::string(label)); it != volume.labels.end()) {
      return it->second;
    }
    if (auto it = service.labels.find(std::string(label)); it != service.labels.end()) {
      return it->second;
    }
    return std::nullopt;
  };
  const std::string size =
      pick(volume.kubernetes.size, kKomposeSizeLabel).value_or(std::string(kDefaultVolumeSize));
  if (!isQuantity(size)) {
    return stack.failAt(
        codes::kInvalidVolumeSize, volume.origin,
        "the volume size '" + size + "' is not a Kubernetes quantity (such as 1Gi or 500Mi)");
  }
  const std::optional<std::string> storageClass =
      pick(volume.kubernetes.storageClassName, kKomposeClassLabel);
  if (storageClass && !isDns1123Subdomain(*storageClass)) {
    return stack.failAt(codes::kInvalidName, volume.origin,
                        "the storage class '" + *storageClass + "' is not a valid name");
  }
  Object labels = stack.stackLabels(stack.stack);
  labels[std::string(kVolumeLabel)] = sanitizeName(volume.name);
  Object claim = Object::object();
  claim["apiVersion"] = "v1";
  claim["kind"] = "PersistentVolumeClaim";
  claim["metadata"] = stack.metadata(claimName, std::move(labels));
  // Claims hold data: the operator never deletes one it did not create in this stack's life,
  // and this annotation tells tools (and people) so.
  claim["metadata"]["annotations"] = Object{{std::string(kRetainAnnotation), "true"}};
  Object spec = Object::object();
  spec["accessModes"] = Object::array({"ReadWriteOnce"});
  spec["resources"] = Object{{"requests", Object{{"storage", size}}}};
  if (storageClass) {
    spec["storageClassName"] = *storageClass;
  }
  claim["spec"] = std::move(spec);
  return claim;
}

Status addNamedVolume(ServiceContext& svc, StackContext& stack, const load::ServiceVolume& v) {
  const load::Volume& volume = stack.project.volumes.at(v.source);
  const std::string claimName = volume.external ? volume.externalName : stack.stackName(v.source);
  if (!isDns1123Subdomain(claimName)) {
    return stack.failAt(codes::kInvalidName, v.origin,
                        "the external volume name '" + claimName + "' is not a valid claim name");
  }
  if (!volume.external && stack.emittedClaims.insert(claimName).second) {
    COP_TRY(stack.names.claim("PersistentVolumeClaim", claimName, "volume '" + v.source + "'",
                              v.origin));
    COP_ASSIGN_OR_RETURN(claim, claimObject(volume, svc.service, claimName, stack));
    stack.objects.push_back(std::move(claim));
  }
  svc.mountsReadWriteOnceClaim = true;
  const std::string volumeName = sanitizeName("data-" + v.source);
  Object podVolume{{"name", volumeName},
                   {"persistentVolumeClaim", Object{{"claimName", claimName}}}};
  Object mount{{"name", volumeName}, {"mountPath", v.target}};
  if (v.readOnly) {
    mount["readOnly"] = true;
  }
  if (!v.subpath.empty()) {
    mount["subPath"] = v.subpath;
  }
  return addMount(svc, stack, v.origin, std::move(podVolume), std::move(mount));
}

Status addBindFile(ServiceContext& svc, StackContext& stack, const load::ServiceVolume& v) {
  if (!v.source.starts_with('.')) {  // absolute, home-relative, or a Windows drive path
    return stack.failAt(codes::kHostPathVolume, v.origin,
                        "the host path " + v.source +
                            " cannot be mounted: hostPath volumes are forbidden by Pod "
                            "Security; use a named volume");
  }
  if (!stack.options.allowBindFiles) {
    return stack.failAt(codes::kBindMountUnsupported, v.origin,
                        "bind mounts are not supported here; use a named volume or a config");
  }
  if (!v.bindContent) {
    return stack.failAt(codes::kBindFileUnreadable, v.origin,
                        "cannot mount " + v.source + ": " + v.bindProblem +
                            " (only a small regular file can be bind-mounted; it "
                            "becomes a ConfigMap)");
  }
  const std::string key = sanitizeConfigKey(load::fileNameOf(v.target));
  // A file that holds credentials (by its name, a private key or any credential shape, or a
  // credential value of the stack) becomes a Secret, mounted read-only like compose secrets.
  const bool credential = isCredentialFile(load::fileNameOf(v.source), *v.bindContent) ||
                          isCredentialFile(load::fileNameOf(v.target), "") ||
                          holdsCredential(*v.bindContent, stack.credentials);
  const std::string_view kind = credential ? "Secret" : "ConfigMap";
  const std::string objectName = sanitizeName(stack.stack + "-" + svc.name + "-" + v.target);
  COP_TRY(stack.names.claim(std::string(kind), objectName, "the bind mount " + v.source, v.origin));
  Object object = Object::object();
  object["apiVersion"] = "v1";
  object["kind"] = kind;
  object["metadata"] = stack.metadata(objectName, svc.labels);
  if (credential) {
    object["type"] = "Opaque";
    object["data"] = Object{{key, base64Encode(*v.bindContent)}};
  } else {
    setConfigMapContent(object, key, *v.bindContent);
  }
  stack.objects.push_back(std::move(object));
  if (!v.readOnly) {
    stack.warn(codes::kBindFileReadOnly, v.origin,
               "the bind-mounted file " + v.source + " becomes a " + std::string(kind) +
                   " and is mounted read-only");
  }
  const std::string volumeName = sanitizeName("file-" + shortHash(v.target));
  Object items = Object::array({Object{{"key", key}, {"path", key}}});
  Object podVolume =
      credential ? Object{{"name", volumeName},
                          {"secret", Object{{"secretName", objectName},
                                            {"items", std::move(items)},
                                            {"defaultMode", static_cast<int>(kDefaultSecretMode)}}}}
                 : Object{{"name", volumeName},
                          {"configMap", Object{{"name", objectName}, {"items", std::move(items)}}}};
  Object mount{{"name", volumeName}, {"mountPath", v.target}, {"subPath", key}, {"readOnly", true}};
  return addMount(svc, stack, v.origin, std::move(podVolume), std::move(mount));
}

Object memoryEmptyDir(const std::optional<std::int64_t>& sizeBytes) {
  Object emptyDir{{"medium", "Memory"}};
  if (sizeBytes) {
    emptyDir["sizeLimit"] = load::bytesToQuantity(*sizeBytes);
  }
  return emptyDir;
}

}  // namespace

Status addStorage(ServiceContext& svc, StackContext& stack) {
  const load::Service& s = svc.service;
  int emptyDirs = 0;
  for (const load::ServiceVolume& v : s.volumes) {
    switch (v.type) {
      case load::ServiceVolume::Type::kVolume:
        if (v.source.empty()) {
          stack.warn(codes::kAnonymousVolume, v.origin,
                     "the anonymous volume at " + v.target +
                         " becomes an emptyDir: its data does not outlive the pod");
          const std::string name = "scratch-" + std::to_string(emptyDirs++);
          COP_TRY(addMount(svc, stack, v.origin,
                           Object{{"name", name}, {"emptyDir", Object::object()}},
                           Object{{"name", name}, {"mountPath", v.target}}));
        } else {
          COP_TRY(addNamedVolume(svc, stack, v));
        }
        break;
      case load::ServiceVolume::Type::kTmpfs: {
        const std::string name = "tmpfs-" + std::to_string(emptyDirs++);
        COP_TRY(addMount(svc, stack, v.origin,
                         Object{{"name", name}, {"emptyDir", memoryEmptyDir(v.tmpfsSizeBytes)}},
                         Object{{"name", name}, {"mountPath", v.target}}));
        break;
      }
      case load::ServiceVolume::Type::kBind:
        COP_TRY(addBindFile(svc, stack, v));
        break;
      case load::ServiceVolume::Type::kOther:
        return stack.failAt(codes::kUnsupportedVolumeType, v.origin,
                            "volumes of type " + v.typeName + " are not supported on Kubernetes");
    }
  }
  if (s.shmSizeBytes) {
    COP_TRY(addMount(svc, stack, s.originOf("shm_size"),
                     Object{{"name", "shm"}, {"emptyDir", memoryEmptyDir(s.shmSizeBytes)}},
                     Object{{"name", "shm"}, {"mountPath", "/dev/shm"}}));
  }
  // A read-only root filesystem still needs a writable /tmp for most programs.
  bool hasTmp = false;
  for (const auto& mount : svc.mounts) {
    hasTmp = hasTmp || mount["mountPath"] == kTmpPath;
  }
  if (!hasTmp) {
    COP_TRY(addMount(svc, stack, s.origin,
                     Object{{"name", "tmp"}, {"emptyDir", Object{{"sizeLimit", kTmpSizeLimit}}}},
                     Object{{"name", "tmp"}, {"mountPath", kTmpPath}}));
  }
  return {};
}

}  // namespace cop::translate::detail
