#include "operator/load/merge.h"

#include <string_view>

#include "operator/load/port_syntax.h"
#include "operator/load/volume_syntax.h"

namespace cop::load {

namespace {

enum class Rule {
  kDefault,    // mappings merge, sequences append, scalars replace
  kReplace,    // the later value replaces the earlier one wholesale
  kMapping,    // KEY=VALUE lists or mappings, merged by key
  kHosts,      // extra_hosts: host:ip or host=ip lists, merged by host
  kNetworks,   // a list of names or a mapping, merged by name
  kDependsOn,  // a list of names or a mapping, merged by name
  kPorts,      // unique by host ip, published, target, protocol
  kVolumes,    // unique by target
  kFileRefs,   // secrets, configs: unique by target (defaulting to source)
  kHealthcheck,
  kBuild,
  kDeploy,
  kAppend,  // sequences append, dropping exact duplicates
};

Rule serviceRule(std::string_view key) {
  if (key == "command" || key == "entrypoint" || key == "profiles") {
    return Rule::kReplace;
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
  if (key == "secrets" || key == "configs") {
    return Rule::kFileRefs;
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

bool sameScalar(const Node& a, const Node& b) {
  return a.isScalar() && b.isScalar() && a.text() == b.text();
}

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
    case Rule::kFileRefs: {
      if (item.isScalar()) {
        return item.text();
      }
      if (item.isMapping()) {
        std::string target = fieldText(item, "target");
        return target.empty() ? fieldText(item, "source") : target;
      }
      return {};
    }
    default:
      return {};
  }
}

void mergeWith(Node& base, const Node& over, Rule rule);

void mergeKeyedSequence(Node& base, const Node& over, Rule rule) {
  for (const Node& item : over.items()) {
    const std::string key = itemKey(rule, item);
    bool replaced = false;
    if (!key.empty()) {
      for (Node& existing : base.items()) {
        if (itemKey(rule, existing) == key) {
          existing = item;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      base.items().push_back(item);
    }
  }
}

void appendUnique(Node& base, const Node& over) {
  for (const Node& item : over.items()) {
    bool duplicate = false;
    for (const Node& existing : base.items()) {
      if (sameScalar(existing, item)) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) {
      base.items().push_back(item);
    }
  }
}

// Names-or-mapping values (networks, depends_on) in their mapping form.
Node namesToMapping(const Node& value) {
  if (!value.isSequence()) {
    return value;
  }
  Node out = Node::mapping(value.mark());
  for (const Node& item : value.items()) {
    if (item.isScalar()) {
      out.set(item.text(), Node::null(item.mark()));
    }
  }
  return out;
}

void mergeMappings(Node& base, const Node& over, Rule (*childRule)(std::string_view)) {
  for (const auto& entry : over.entries()) {
    Node* existing = base.find(entry.key);
    if (existing == nullptr) {
      base.entries().push_back(entry);
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
    case Rule::kHosts: {
      const char separator = rule == Rule::kHosts ? ':' : '=';
      if ((base.isSequence() || base.isMapping()) && (over.isSequence() || over.isMapping())) {
        Node merged = toMapping(base, separator);
        mergeMappings(merged, toMapping(over, separator), defaultRule);
        base = std::move(merged);
        return;
      }
      break;
    }
    case Rule::kNetworks:
    case Rule::kDependsOn:
      if ((base.isSequence() || base.isMapping()) && (over.isSequence() || over.isMapping())) {
        if (base.isSequence() && over.isSequence()) {
          appendUnique(base, over);
          return;
        }
        Node merged = namesToMapping(base);
        mergeMappings(merged, namesToMapping(over), defaultRule);
        base = std::move(merged);
        return;
      }
      break;
    case Rule::kPorts:
    case Rule::kVolumes:
    case Rule::kFileRefs:
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
      out.set(text, Node::null(item.mark()));
    } else {
      out.set(text.substr(0, cut), Node::scalar(text.substr(cut + 1), item.mark(), true));
    }
  }
  return out;
}

void mergeService(Node& base, const Node& over) {
  if (!base.isMapping() || !over.isMapping()) {
    base = over;
    return;
  }
  for (const auto& entry : over.entries()) {
    Node* existing = base.find(entry.key);
    if (existing == nullptr) {
      base.entries().push_back(entry);
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
      for (const auto& service : entry.value.entries()) {
        Node* current = existing->find(service.key);
        if (current == nullptr) {
          existing->entries().push_back(service);
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
  if (node.isMapping()) {
    auto& entries = node.entries();
    for (std::size_t i = 0; i < entries.size();) {
      if (entries[i].value.tag() == "!reset") {
        entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        settleTags(entries[i].value);
        ++i;
      }
    }
  } else if (node.isSequence()) {
    auto& items = node.items();
    for (std::size_t i = 0; i < items.size();) {
      if (items[i].tag() == "!reset") {
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        settleTags(items[i]);
        ++i;
      }
    }
  }
  if (node.tag() == "!override") {
    node.setTag("");
  }
}

}  // namespace cop::load
