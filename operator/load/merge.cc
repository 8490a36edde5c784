#include "operator/load/merge.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "operator/load/port_syntax.h"
#include "operator/load/volume_syntax.h"

namespace cop::load {

namespace {

enum class Rule {
  kDefault,       // mappings merge, sequences append, scalars replace
  kReplace,       // the later value replaces the earlier one wholesale
  kMapping,       // KEY=VALUE lists or mappings, merged by key
  kHosts,         // extra_hosts: host:ip or host=ip lists, merged by host
  kNetworks,      // a list of names or a mapping, merged by name
  kDependsOn,     // a list of names or a mapping, merged by name
  kPorts,         // unique by host ip, published, target, protocol
  kVolumes,       // unique by target
  kSecretRefs,    // unique by target: /run/secrets/<target>, the target defaulting to the source
  kConfigRefs,    // unique by target, defaulting to /<source>
  kStringOrList,  // one string or a list of them (env_file, tmpfs, dns): both merge as a list
  kHealthcheck,
  kBuild,
  kDeploy,
  kAppend,  // sequences append, dropping exact duplicates
};

Rule serviceRule(std::string_view key) {
  // Every other sequence appends, profiles included (13-merge.md).
  if (key == "command" || key == "entrypoint") {
    return Rule::kReplace;
  }
  if (key == "env_file" || key == "label_file" || key == "tmpfs" || key == "dns" ||
      key == "dns_search") {
    return Rule::kStringOrList;
  }
  if (key == "environment" || key == "labels" || key == "annotations" || key == "sysctls") {
    return Rule::kMapping;
  }
  if (key == "extra_hosts") {
    return Rule::kHosts;
  }
  if (key == "networks") {
    return Rule::kNetworks;
  }
  if (key == "depends_on") {
    return Rule::kDependsOn;
  }
  if (key == "ports") {
    return Rule::kPorts;
  }
  if (key == "volumes") {
    return Rule::kVolumes;
  }
  if (key == "secrets") {
    return Rule::kSecretRefs;
  }
  if (key == "configs") {
    return Rule::kConfigRefs;
  }
  if (key == "healthcheck") {
    return Rule::kHealthcheck;
  }
  if (key == "build") {
    return Rule::kBuild;
  }
  if (key == "deploy") {
    return Rule::kDeploy;
  }
  return Rule::kAppend;
}

// The positions of a mapping's keys. Node::find is a linear scan, fine for the handful of
// keys a service has, but a merge looks up every key of one mapping in another: two files
// with 60,000 labels each would cost 3.6 billion comparisons. Merges go through this index.
class KeyIndex {
 public:
  explicit KeyIndex(const Node& mapping) {
    const auto& entries = mapping.entries();
    positions_.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      positions_.emplace(entries[i].key, i);
    }
  }

  // The entry of `key` in `mapping` (the one indexed), or null.
  Node* find(Node& mapping, const std::string& key) const {
    auto it = positions_.find(key);
    return it == positions_.end() ? nullptr : &mapping.entries()[it->second].value;
  }

  // Sets key to value in `mapping`, in place or appended, keeping the index current.
  void set(Node& mapping, std::string key, Node value) {
    if (Node* existing = find(mapping, key)) {
      *existing = std::move(value);
      return;
    }
    positions_.emplace(key, mapping.entries().size());
    mapping.entries().push_back(Node::MapEntry{std::move(key), std::move(value)});
  }

  void append(Node& mapping, const Node::MapEntry& entry) {
    positions_.emplace(entry.key, mapping.entries().size());
    mapping.entries().push_back(entry);
  }

 private:
  std::unordered_map<std::string, std::size_t> positions_;
};

std::string fieldText(const Node& mapping, std::string_view key) {
  const Node* value = mapping.find(key);
  return value != nullptr && value->isScalar() ? value->text() : std::string();
}

// The unique key of a sequence item under a keyed rule; empty = no key (always appended).
std::string itemKey(Rule rule, const Node& item) {
  switch (rule) {
    case Rule::kPorts: {
      if (item.isScalar()) {
        auto specs = parsePortSpec(item.text());
        if (!specs || specs->size() != 1) {
          return item.text();
        }
        const PortSpec& p = specs->front();
        return p.hostIp + "|" + (p.published ? std::to_string(*p.published) : "") + "|" +
               std::to_string(p.target) + "|" + p.protocol;
      }
      if (item.isMapping()) {
        std::string protocol = fieldText(item, "protocol");
        return fieldText(item, "host_ip") + "|" + fieldText(item, "published") + "|" +
               fieldText(item, "target") + "|" + (protocol.empty() ? "tcp" : protocol);
      }
      return {};
    }
    case Rule::kVolumes: {
      if (item.isScalar()) {
        auto spec = parseVolumeSpec(item.text());
        return spec ? spec->target : item.text();
      }
      return item.isMapping() ? fieldText(item, "target") : std::string();
    }
    case Rule::kSecretRefs:
    case Rule::kConfigRefs: {
      // Short and long forms with the same mount point are one entry: the key is the target
      // as compose resolves it, not as written.
      std::string source = item.isScalar() ? item.text() : fieldText(item, "source");
      std::string target = item.isMapping() ? fieldText(item, "target") : std::string();
      if (source.empty() && target.empty()) {
        return {};
      }
      if (target.empty()) {
        target = source;
      }
      if (target.starts_with('/')) {
        return target;
      }
      return (rule == Rule::kSecretRefs ? "/run/secrets/" : "/") + target;
    }
    default:
      return {};
  }
}

void mergeWith(Node& base, const Node& over, Rule rule);

// Each item's key is computed once (for ports it means parsing the port syntax), and found
// through a map: a linear search per item would be quadratic in the list's length.
void mergeKeyedSequence(Node& base, const Node& over, Rule rule) {
  std::unordered_map<std::string, std::size_t> positions;  // first base item of each key
  for (std::size_t i = 0; i < base.items().size(); ++i) {
    std::string key = itemKey(rule, base.items()[i]);
    if (!key.empty()) {
      positions.try_emplace(std::move(key), i);
    }
  }
  for (const Node& item : over.items()) {
    std::string key = itemKey(rule, item);
    if (!key.empty()) {
      if (auto it = positions.find(key); it != positions.end()) {
        base.items()[it->second] = item;
        continue;
      }
      positions.emplace(std::move(key), base.items().size());
    }
    base.items().push_back(item);
  }
}

// Appends the items of `over` that are not already scalars of `base` (by a set of texts).
void appendUnique(Node& base, const Node& over) {
  std::unordered_set<std::string> scalars;
  for (const Node& existing : base.items()) {
    if (existing.isScalar()) {
      scalars.insert(existing.text());
    }
  }
  for (const Node& item : over.items()) {
    if (item.isScalar() && !scalars.insert(item.text()).second) {
      continue;
    }
    base.items().push_back(item);
  }
}

// Names-or-mapping values (networks, depends_on) in their mapping form. A network named in
// short form is null (it keeps what another file said of it); a short depends_on entry is
// what compose makes of it, {condition: service_started, required: true}, so merged over a
// long entry it sets those two and keeps the rest (restart).
Node namesToMapping(const Node& value, Rule rule) {
  if (!value.isSequence()) {
    return value;
  }
  Node out = Node::mapping(value.mark());
  KeyIndex index(out);
  for (const Node& item : value.items()) {
    if (!item.isScalar()) {
      continue;
    }
    if (rule != Rule::kDependsOn) {
      index.set(out, item.text(), Node::null(item.mark()));
      continue;
    }
    Node entry = Node::mapping(item.mark());
    entry.set("condition", Node::scalar("service_started", item.mark(), true));
    entry.set("required", Node::scalar("true", item.mark()));
    index.set(out, item.text(), std::move(entry));
  }
  return out;
}

// Merges names-or-mapping values by name. A name given in short form (null) adds the name and
// keeps what an earlier file said about it (its condition, its aliases).
void mergeByName(Node& base, const Node& over) {
  KeyIndex index(base);
  for (const auto& entry : over.entries()) {
    Node* existing = index.find(base, entry.key);
    if (existing == nullptr) {
      index.append(base, entry);
    } else if (!entry.value.isNull() || entry.value.tag() == "!reset") {
      mergeWith(*existing, entry.value, Rule::kDefault);
    }
  }
}

// A scalar as a one-item sequence, for fields that take one string or a list.
Node asSequence(const Node& value) {
  if (!value.isScalar()) {
    return value;
  }
  Node out = Node::sequence(value.mark());
  out.items().push_back(value);
  return out;
}

// extra_hosts as a sequence of host=ip texts: entries append, and one host may have several
// addresses (compose keeps them all).
Node hostsAsSequence(const Node& value) {
  if (!value.isMapping()) {
    return value;
  }
  Node out = Node::sequence(value.mark());
  for (const auto& entry : value.entries()) {
    const std::vector<Node> single{entry.value};
    for (const Node& ip : entry.value.isSequence() ? entry.value.items() : single) {
      if (ip.isScalar()) {
        out.items().push_back(Node::scalar(entry.key + "=" + ip.text(), ip.mark(), true));
      }
    }
  }
  return out;
}

void mergeMappings(Node& base, const Node& over, Rule (*childRule)(std::string_view)) {
  KeyIndex index(base);
  for (const auto& entry : over.entries()) {
    Node* existing = index.find(base, entry.key);
    if (existing == nullptr) {
      index.append(base, entry);
    } else {
      mergeWith(*existing, entry.value, childRule(entry.key));
    }
  }
}

Rule defaultRule(std::string_view) {
  return Rule::kDefault;
}
Rule healthcheckRule(std::string_view key) {
  return key == "test" ? Rule::kReplace : Rule::kDefault;
}
Rule buildRule(std::string_view key) {
  return key == "args" || key == "labels" ? Rule::kMapping : Rule::kDefault;
}
Rule deployRule(std::string_view key) {
  return key == "labels" ? Rule::kMapping : Rule::kDefault;
}

bool isCollection(const Node& node) {
  return node.isSequence() || node.isMapping();
}

void mergeWith(Node& base, const Node& over, Rule rule) {
  if (over.tag() == "!reset") {
    base = over;  // stays tagged: settleTags removes it once all merging is done
    return;
  }
  if (over.tag() == "!override" || rule == Rule::kReplace) {
    base = over;
    return;
  }
  switch (rule) {
    case Rule::kMapping:
      if (isCollection(base) && isCollection(over)) {
        Node merged = toMapping(base, '=');
        mergeMappings(merged, toMapping(over, '='), defaultRule);
        base = std::move(merged);
        return;
      }
      break;
    case Rule::kHosts:
      if (isCollection(base) && isCollection(over)) {
        Node merged = hostsAsSequence(base);
        appendUnique(merged, hostsAsSequence(over));
        base = std::move(merged);
        return;
      }
      break;
    case Rule::kStringOrList:
      if ((base.isScalar() || base.isSequence()) && (over.isScalar() || over.isSequence())) {
        Node merged = asSequence(base);
        appendUnique(merged, asSequence(over));
        base = std::move(merged);
        return;
      }
      break;
    case Rule::kNetworks:
    case Rule::kDependsOn:
      if (isCollection(base) && isCollection(over)) {
        if (base.isSequence() && over.isSequence()) {
          appendUnique(base, over);
          return;
        }
        Node merged = namesToMapping(base, rule);
        mergeByName(merged, namesToMapping(over, rule));
        base = std::move(merged);
        return;
      }
      break;
    case Rule::kPorts:
    case Rule::kVolumes:
    case Rule::kSecretRefs:
    case Rule::kConfigRefs:
      if (base.isSequence() && over.isSequence()) {
        mergeKeyedSequence(base, over, rule);
        return;
      }
      break;
    case Rule::kHealthcheck:
    case Rule::kBuild:
    case Rule::kDeploy:
      if (base.isMapping() && over.isMapping()) {
        mergeMappings(base, over,
                      rule == Rule::kHealthcheck ? healthcheckRule
                      : rule == Rule::kBuild     ? buildRule
                                                 : deployRule);
        return;
      }
      break;
    default:
      break;
  }
  if (base.isMapping() && over.isMapping()) {
    mergeMappings(base, over, defaultRule);
  } else if (base.isSequence() && over.isSequence()) {
    appendUnique(base, over);
  } else {
    base = over;
  }
}

}  // namespace

Node toMapping(const Node& value, char separator) {
  if (!value.isSequence()) {
    return value;
  }
  Node out = Node::mapping(value.mark());
  KeyIndex index(out);
  for (const Node& item : value.items()) {
    if (!item.isScalar()) {
      continue;  // the typed parser reports the wrong shape with its path
    }
    const std::string& text = item.text();
    std::size_t cut = text.find(separator);
    if (separator == ':') {  // extra_hosts also accepts host=ip
      const std::size_t equals = text.find('=');
      if (equals != std::string::npos && (cut == std::string::npos || equals < cut)) {
        cut = equals;
      }
    }
    if (cut == std::string::npos) {
      index.set(out, text, Node::null(item.mark()));
    } else {
      index.set(out, text.substr(0, cut), Node::scalar(text.substr(cut + 1), item.mark(), true));
    }
  }
  return out;
}

void mergeService(Node& base, const Node& over) {
  if (!base.isMapping() || !over.isMapping()) {
    base = over;
    return;
  }
  KeyIndex index(base);
  for (const auto& entry : over.entries()) {
    Node* existing = index.find(base, entry.key);
    if (existing == nullptr) {
      index.append(base, entry);
    } else {
      mergeWith(*existing, entry.value, serviceRule(entry.key));
    }
  }
}

void mergeComposeDocuments(Node& base, const Node& over) {
  if (!base.isMapping() || !over.isMapping()) {
    if (!over.isNull()) {
      base = over;
    }
    return;
  }
  for (const auto& entry : over.entries()) {
    Node* existing = base.find(entry.key);
    if (existing == nullptr) {
      base.entries().push_back(entry);
      continue;
    }
    if (entry.key == "services" && existing->isMapping() && entry.value.isMapping()) {
      KeyIndex services(*existing);
      for (const auto& service : entry.value.entries()) {
        Node* current = services.find(*existing, service.key);
        if (current == nullptr) {
          services.append(*existing, service);
        } else if (service.value.tag() == "!reset" || service.value.tag() == "!override") {
          *current = service.value;
        } else {
          mergeService(*current, service.value);
        }
      }
      continue;
    }
    mergeWith(*existing, entry.value, Rule::kDefault);
  }
}

void settleTags(Node& node) {
  // One pass each (erase-remove): erasing entries one by one is quadratic in their number.
  if (node.isMapping()) {
    std::erase_if(node.entries(),
                  [](const Node::MapEntry& entry) { return entry.value.tag() == "!reset"; });
    for (auto& entry : node.entries()) {
      settleTags(entry.value);
    }
  } else if (node.isSequence()) {
    std::erase_if(node.items(), [](const Node& item) { return item.tag() == "!reset"; });
    for (Node& item : node.items()) {
      settleTags(item);
    }
  }
  if (node.tag() == "!override") {
    node.setTag("");
  }
}

}  // namespace cop::load
