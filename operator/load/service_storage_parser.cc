// volumes, tmpfs, secrets and configs references.

#include "operator/load/paths.h"
#include "operator/load/service_parser_parts.h"
#include "operator/load/units.h"
#include "operator/load/volume_syntax.h"

namespace cop::load::detail {

namespace {

// compose cleans a mount target: "/media/" is "/media". Only trailing and doubled slashes go
// here; a ".." segment stays, for checkContainerPath to refuse.
std::string cleanTarget(const std::string& target) {
  std::string clean;
  for (char c : target) {
    if (c != '/' || clean.empty() || clean.back() != '/') {
      clean += c;
    }
  }
  while (clean.size() > 1 && clean.back() == '/') {
    clean.pop_back();
  }
  return clean;
}

// A bind-mounted file becomes a ConfigMap; ConfigMaps hold at most 1 MiB in all, and a
// config file larger than this is better shipped in the image.
constexpr std::size_t kMaxBindFileBytes = 256 * 1024;

void readBindSource(ServiceVolume& volume, ParseContext& context) {
  if (volume.type != ServiceVolume::Type::kBind || !volume.source.starts_with('.')) {
    return;  // absolute and home paths are rejected by the translator; nothing to read
  }
  const std::string path = joinPath(context.projectDir, volume.source);
  auto content = context.reader.read(path, kMaxBindFileBytes);
  if (content) {
    volume.bindContent = std::move(*content);
    return;
  }
  switch (content.error().kind) {
    case ReadFailure::kNotFound:
      volume.bindProblem = "the source " + volume.source + " does not exist";
      break;
    case ReadFailure::kDirectory:
      volume.bindProblem = "the source " + volume.source + " is a directory, not a file";
      break;
    case ReadFailure::kNotRegularFile:
      volume.bindProblem = "the source " + volume.source +
                           " is not a regular file (a device, a FIFO, a socket or a /proc file)";
      break;
    case ReadFailure::kTooLarge:
      volume.bindProblem = "the source " + volume.source + " is larger than " +
                           std::to_string(kMaxBindFileBytes / 1024) + " KiB";
      break;
    case ReadFailure::kIo:
      volume.bindProblem = "the source cannot be read: " + content.error().message;
      break;
    case ReadFailure::kOverBudget:
    case ReadFailure::kOutsideProject:
      volume.bindProblem = content.error().message;
      break;
  }
}

ServiceVolume::Type volumeType(const std::string& type) {
  if (type == "volume") {
    return ServiceVolume::Type::kVolume;
  }
  if (type == "bind") {
    return ServiceVolume::Type::kBind;
  }
  if (type == "tmpfs") {
    return ServiceVolume::Type::kTmpfs;
  }
  return ServiceVolume::Type::kOther;
}

// A path inside the container (a mount target, a secret's target, a subpath). The runtime
// resolves it inside the container's filesystem, so a ".." segment could place a mount
// outside the directory it names; control characters make no sense in a path.
Status checkContainerPath(std::string_view text, const Node& node, const std::string& path,
                          std::string_view what) {
  if (hasParentSegment(text)) {
    return failAt(node, path, std::string(what) + " must not contain a '..' segment");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return failAt(node, path, std::string(what) + " must not contain control characters");
    }
  }
  return {};
}

// Options of a mount that have no Kubernetes equivalent: each one present is reported (a
// warning through the service's ignored keys), never dropped silently.
void noteIgnored(MappingReader& fields, std::string_view key, std::string_view reason,
                 std::vector<IgnoredKey>& ignored) {
  if (const Node* value = fields.get(key)) {
    ignored.push_back(
        IgnoredKey{std::string(key), std::string(reason), originOf(*value, fields.pathOf(key))});
  }
}

Result<ServiceVolume> parseLongVolume(const Node& item, const std::string& path,
                                      std::vector<IgnoredKey>& ignored) {
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(item, path));
  ServiceVolume volume;
  volume.origin = originOf(item, path);
  COP_ASSIGN_OR_RETURN(type, fields.string("type"));
  if (!type) {
    return failAt(item, path, "a volume needs a type (volume, bind or tmpfs)");
  }
  if (*type != "volume" && *type != "bind" && *type != "tmpfs" && *type != "image" &&
      *type != "npipe" && *type != "cluster") {
    return fields.failKey("type", "unknown volume type '" + *type + "'");
  }
  volume.typeName = *type;
  volume.type = volumeType(*type);
  COP_ASSIGN_OR_RETURN(source, fields.string("source"));
  volume.source = source.value_or("");
  COP_ASSIGN_OR_RETURN(target, fields.string("target"));
  if (!target || target->empty() || target->front() != '/') {
    return failAt(item, fields.pathOf("target"), "a volume needs an absolute target path");
  }
  COP_TRY(checkContainerPath(*target, item, fields.pathOf("target"), "a mount target"));
  volume.target = cleanTarget(*target);
  COP_ASSIGN_OR_RETURN(readOnly, fields.boolean("read_only"));
  volume.readOnly = readOnly.value_or(false);
  if (const Node* tmpfs = fields.get("tmpfs")) {
    COP_ASSIGN_OR_RETURN(tmpfsFields, MappingReader::open(*tmpfs, fields.pathOf("tmpfs")));
    COP_ASSIGN_OR_RETURN(size, tmpfsFields.bytes("size"));
    volume.tmpfsSizeBytes = size;
    noteIgnored(tmpfsFields, "mode",
                "an emptyDir has no mode; the pod's fsGroup owns it and it is writable", ignored);
    COP_TRY(tmpfsFields.rejectUnknown("tmpfs options"));
  }
  if (const Node* options = fields.get("volume")) {
    COP_ASSIGN_OR_RETURN(volumeFields, MappingReader::open(*options, fields.pathOf("volume")));
    COP_ASSIGN_OR_RETURN(subpath, volumeFields.string("subpath"));
    volume.subpath = subpath.value_or("");
    if (isAbsolutePath(volume.subpath)) {
      return failAt(*options, volumeFields.pathOf("subpath"),
                    "a subpath is relative to the volume's root");
    }
    COP_TRY(
        checkContainerPath(volume.subpath, *options, volumeFields.pathOf("subpath"), "a subpath"));
    if (const Node* nocopy = volumeFields.get("nocopy");
        nocopy != nullptr && !(nocopy->isScalar() && nocopy->text() == "true")) {
      ignored.push_back(IgnoredKey{"volume.nocopy",
                                   "a claim starts empty: Kubernetes never copies the image's "
                                   "files into a volume",
                                   originOf(*nocopy, volumeFields.pathOf("nocopy"))});
    }
    noteIgnored(volumeFields, "labels", "labels of a mount have no Kubernetes equivalent", ignored);
    COP_TRY(volumeFields.rejectUnknown("volume options"));
  }
  noteIgnored(fields, "bind",
              "bind options (propagation, create_host_path, selinux) do not apply: a bind "
              "file becomes a ConfigMap",
              ignored);
  noteIgnored(fields, "consistency", "it only tunes Docker Desktop's file sharing", ignored);
  noteIgnored(fields, "image", "image volumes are not converted", ignored);
  COP_TRY(fields.rejectUnknown("a volume"));
  return volume;
}

Result<ServiceVolume> parseTmpfsEntry(const std::string& text, const Node& node,
                                      const std::string& path) {
  ServiceVolume volume;
  volume.type = ServiceVolume::Type::kTmpfs;
  volume.typeName = "tmpfs";
  volume.origin = originOf(node, path);
  const std::size_t colon = text.find(':');
  volume.target = text.substr(0, colon);
  if (volume.target.empty() || volume.target.front() != '/') {
    return failAt(node, path, "a tmpfs mount needs an absolute path");
  }
  COP_TRY(checkContainerPath(volume.target, node, path, "a tmpfs target"));
  if (colon != std::string::npos) {
    std::string options = text.substr(colon + 1);
    std::size_t from = 0;
    while (from <= options.size()) {
      const std::size_t comma = options.find(',', from);
      const std::string option =
          options.substr(from, comma == std::string::npos ? comma : comma - from);
      if (option.starts_with("size=")) {
        auto size = parseBytes(option.substr(5));
        if (!size) {
          return failAt(node, path, "invalid tmpfs size in '" + text + "'");
        }
        volume.tmpfsSizeBytes = size;
      }
      if (comma == std::string::npos) {
        break;
      }
      from = comma + 1;
    }
  }
  return volume;
}

Result<FileReference> parseFileReference(const Node& item, const std::string& path) {
  FileReference ref;
  ref.origin = originOf(item, path);
  if (item.isScalar()) {
    ref.source = item.text();
    return ref;
  }
  COP_ASSIGN_OR_RETURN(fields, MappingReader::open(item, path));
  COP_ASSIGN_OR_RETURN(source, fields.string("source"));
  if (!source) {
    return failAt(item, path, "a reference needs a source");
  }
  ref.source = *source;
  COP_ASSIGN_OR_RETURN(target, fields.string("target"));
  ref.target = target.value_or("");
  COP_TRY(checkContainerPath(ref.target, item, fields.pathOf("target"), "a target"));
  if (const Node* mode = fields.get("mode")) {
    COP_ASSIGN_OR_RETURN(parsed, asFileMode(*mode, fields.pathOf("mode")));
    ref.mode = parsed;
  }
  const bool hasUid = fields.get("uid") != nullptr;
  const bool hasGid = fields.get("gid") != nullptr;
  ref.hasOwner = hasUid || hasGid;
  COP_TRY(fields.rejectUnknown("a secret or config reference"));
  return ref;
}

Status parseFileReferences(MappingReader& fields, std::string_view key,
                           std::vector<FileReference>& out) {
  const Node* list = fields.get(key);
  if (list == nullptr) {
    return {};
  }
  const std::string path = fields.pathOf(key);
  if (!list->isSequence()) {
    return failAt(*list, path, "expected a list, found " + list->describe());
  }
  for (std::size_t i = 0; i < list->items().size(); ++i) {
    COP_ASSIGN_OR_RETURN(ref, parseFileReference(list->items()[i], indexPath(path, i)));
    out.push_back(std::move(ref));
  }
  return {};
}

}  // namespace

Status parseStorage(MappingReader& fields, Service& service, ParseContext& context) {
  if (const Node* volumes = fields.get("volumes")) {
    const std::string path = fields.pathOf("volumes");
    if (!volumes->isSequence()) {
      return failAt(*volumes, path, "expected a list of volumes, found " + volumes->describe());
    }
    for (std::size_t i = 0; i < volumes->items().size(); ++i) {
      const Node& item = volumes->items()[i];
      const std::string itemPath = indexPath(path, i);
      ServiceVolume volume;
      if (item.isMapping()) {
        COP_ASSIGN_OR_RETURN(parsed, parseLongVolume(item, itemPath, service.ignored));
        volume = std::move(parsed);
      } else {
        COP_ASSIGN_OR_RETURN(text, asString(item, itemPath));
        auto spec = parseVolumeSpec(text);
        if (!spec) {
          return failAt(item, itemPath, spec.error().message);
        }
        volume.type = volumeType(spec->type);
        volume.typeName = spec->type;
        volume.source = spec->source;
        volume.target = cleanTarget(spec->target);
        volume.readOnly = spec->readOnly;
        volume.origin = originOf(item, itemPath);
        COP_TRY(checkContainerPath(volume.target, item, itemPath, "a mount target"));
      }
      readBindSource(volume, context);
      service.volumes.push_back(std::move(volume));
    }
  }
  if (const Node* tmpfs = fields.get("tmpfs")) {
    const std::string path = fields.pathOf("tmpfs");
    COP_ASSIGN_OR_RETURN(entries, asStringList(*tmpfs, path));
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const Node& at = tmpfs->isSequence() ? tmpfs->items()[i] : *tmpfs;
      COP_ASSIGN_OR_RETURN(volume, parseTmpfsEntry(entries[i], at, indexPath(path, i)));
      service.volumes.push_back(std::move(volume));
    }
  }
  COP_TRY(parseFileReferences(fields, "secrets", service.secrets));
  COP_TRY(parseFileReferences(fields, "configs", service.configs));
  return {};
}

}  // namespace cop::load::detail
