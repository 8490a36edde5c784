// The pod-template annotation compose.operator.dev/config-hash: a SHA-256 of the content of
// every Secret and ConfigMap of the stack that a pod mounts or refers to, so that a changed
// config or secret changes the pod template and rolls the pods.
//
// Kubernetes does refresh a mounted ConfigMap or Secret in place, but not one mounted with
// `subPath`, and compose's secrets and configs, and bind-mounted files, are all mounted with
// subPath here (each is one file at its target). Nor does it refresh environment variables
// taken from them. Without this hash a changed config would reach no running pod.
//
// Only objects the stack makes are hashed: an external Secret's content is not known here.
// The digest covers each object's kind and name (so the same content under another object
// differs) and its full data, in (kind, name) order, each part length-prefixed so that no two
// inputs run together. It has no key: someone who reads the pod template and knows all the
// other content that went in could test guesses of a short secret against it. The input is
// the whole data of every referenced object together (a -env Secret holds every credential
// of the service), which is what makes such a guess impractical in practice; a stack whose
// pods reference only one tiny secret is the weak case.

#include <map>
#include <memory>
#include <new>
#include <set>

#include "operator/common/sha256.h"
#include "operator/translate/defaults.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

namespace {

using Ref = std::pair<std::string, std::string>;  // kind, name

// Appends `text` with its length in front, so that ("ab", "c") and ("a", "bc") differ.
void appendField(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

// Only an allocation failure makes the digest fail, and the translation must stay
// deterministic: it fails as an allocation failure does.
std::string configHash(const std::string& text) {
  std::optional<std::string> hex = sha256Hex(text);
  if (!hex) {
    throw std::bad_alloc();
  }
  return std::move(*hex);
}

void addRef(std::set<Ref>& refs, const Object& parent, const std::string& field,
            const std::string& kind) {
  const auto it = parent.find(field);
  if (it != parent.end() && it->is_string()) {
    refs.emplace(kind, it->get<std::string>());
  }
}

// Every Secret and ConfigMap a pod spec names: volumes (secret, configMap, projected
// sources), env valueFrom and envFrom of every container and init container.
std::set<Ref> referencedObjects(const Object& podSpec) {
  std::set<Ref> refs;
  if (const auto volumes = podSpec.find("volumes"); volumes != podSpec.end()) {
    for (const Object& volume : *volumes) {
      if (volume.contains("secret")) {
        addRef(refs, volume["secret"], "secretName", "Secret");
      }
      if (volume.contains("configMap")) {
        addRef(refs, volume["configMap"], "name", "ConfigMap");
      }
      if (volume.contains("projected") && volume["projected"].contains("sources")) {
        for (const Object& source : volume["projected"]["sources"]) {
          if (source.contains("secret")) {
            addRef(refs, source["secret"], "name", "Secret");
          }
          if (source.contains("configMap")) {
            addRef(refs, source["configMap"], "name", "ConfigMap");
          }
        }
      }
    }
  }
  for (std::string_view list : {"initContainers", "containers"}) {
    const auto containers = podSpec.find(std::string(list));
    if (containers == podSpec.end()) {
      continue;
    }
    for (const Object& container : *containers) {
      if (const auto env = container.find("env"); env != container.end()) {
        for (const Object& entry : *env) {
          if (!entry.contains("valueFrom")) {
            continue;
          }
          const Object& from = entry["valueFrom"];
          if (from.contains("secretKeyRef")) {
            addRef(refs, from["secretKeyRef"], "name", "Secret");
          }
          if (from.contains("configMapKeyRef")) {
            addRef(refs, from["configMapKeyRef"], "name", "ConfigMap");
          }
        }
      }
      if (const auto envFrom = container.find("envFrom"); envFrom != container.end()) {
        for (const Object& source : *envFrom) {
          if (source.contains("secretRef")) {
            addRef(refs, source["secretRef"], "name", "Secret");
          }
          if (source.contains("configMapRef")) {
            addRef(refs, source["configMapRef"], "name", "ConfigMap");
          }
        }
      }
    }
  }
  return refs;
}

// An object's content in a canonical form: the fields that hold data, keys sorted.
std::string canonicalContent(const Object& object) {
  nlohmann::json content = nlohmann::json::object();  // std::map: sorted keys, at every level
  for (const char* field : {"type", "immutable", "data", "binaryData", "stringData"}) {
    if (object.contains(field)) {
      content[field] = nlohmann::json(object[field]);
    }
  }
  return content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void addConfigHashes(StackContext& stack) {
  std::map<Ref, const Object*> ours;
  for (const Object& object : stack.objects) {
    const std::string kind = object.value("kind", "");
    if (kind == "Secret" || kind == "ConfigMap") {
      ours.emplace(Ref{kind, object["metadata"]["name"].get<std::string>()}, &object);
    }
  }
  std::vector<std::pair<Object*, std::string>> hashes;  // template, hash
  for (Object& object : stack.objects) {
    if (!object.contains("spec") || !object["spec"].contains("template")) {
      continue;
    }
    Object& podTemplate = object["spec"]["template"];
    std::string input;
    for (const Ref& ref : referencedObjects(podTemplate["spec"])) {  // std::set: in order
      const auto it = ours.find(ref);
      if (it == ours.end()) {
        continue;  // external: not known here
      }
      appendField(input, ref.first);
      appendField(input, ref.second);
      appendField(input, canonicalContent(*it->second));
    }
    if (!input.empty()) {
      hashes.emplace_back(&podTemplate, configHash(input));
    }
  }
  for (auto& [podTemplate, hash] : hashes) {
    Object& meta = (*podTemplate)["metadata"];
    if (!meta.contains("annotations")) {
      meta["annotations"] = Object::object();
    }
    meta["annotations"][std::string(kConfigHashAnnotation)] = hash;
  }
}

}  // namespace cop::translate::detail
