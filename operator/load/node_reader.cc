#include "operator/load/node_reader.h"

#include <cctype>

#include "operator/load/units.h"

namespace cop::load {

Unexpected<Error> failAt(const Node& node, const std::string& path, std::string message) {
  return fail(std::move(message), path, node.mark().fileName(), node.mark().line);
}

Result<std::string> asString(const Node& node, const std::string& path) {
  if (!node.isScalar()) {
    return failAt(node, path, "expected a string, found " + node.describe());
  }
  return node.text();
}

Result<bool> asBool(const Node& node, const std::string& path) {
  if (node.isScalar()) {
    const std::string& t = node.text();
    if (t == "true" || t == "True" || t == "TRUE" || t == "yes" || t == "Yes" || t == "YES" ||
        t == "on" || t == "On" || t == "ON") {
      return true;
    }
    if (t == "false" || t == "False" || t == "FALSE" || t == "no" || t == "No" || t == "NO" ||
        t == "off" || t == "Off" || t == "OFF") {
      return false;
    }
  }
  return failAt(node, path, "expected true or false, found " + node.describe());
}

Result<std::int64_t> asInt(const Node& node, const std::string& path, std::int64_t min,
                           std::int64_t max) {
  if (node.isScalar()) {
    const std::string& t = node.text();
    std::size_t i = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
    bool ok = i < t.size() && t.size() - i <= 18;
    std::int64_t value = 0;
    for (std::size_t j = i; ok && j < t.size(); ++j) {
      if (!std::isdigit(static_cast<unsigned char>(t[j]))) {
        ok = false;
      } else {
        value = value * 10 + (t[j] - '0');
      }
    }
    if (ok) {
      if (t[0] == '-') {
        value = -value;
      }
      if (value < min || value > max) {
        return failAt(
            node, path,
            t + " is out of range (" + std::to_string(min) + "-" + std::to_string(max) + ")");
      }
      return value;
    }
  }
  return failAt(node, path, "expected an integer, found " + node.describe());
}

Result<std::uint32_t> asFileMode(const Node& node, const std::string& path) {
  if (node.isScalar()) {
    std::string t = node.text();
    int base = 10;
    if (t.starts_with("0o") || t.starts_with("0O")) {
      t = t.substr(2);
      base = 8;
    } else if (t.size() > 1 && t[0] == '0') {
      base = 8;  // compose writes modes as YAML 1.1 octal (0440)
    }
    std::uint32_t value = 0;
    bool ok = !t.empty() && t.size() <= 8;
    for (char c : t) {
      const int digit = c - '0';
      if (digit < 0 || digit >= base) {
        ok = false;
        break;
      }
      value = value * static_cast<std::uint32_t>(base) + static_cast<std::uint32_t>(digit);
    }
    if (ok && value <= 0777) {
      return value;
    }
    if (base == 10 && ok) {
      return failAt(node, path,
                    "the mode " + node.text() +
                        " is decimal; write file modes in octal with a leading 0, such as 0" +
                        node.text());
    }
  }
  return failAt(node, path, "expected a file mode such as 0440, found " + node.describe());
}

Result<std::int64_t> asDurationMs(const Node& node, const std::string& path) {
  if (node.isScalar()) {
    if (auto ms = parseDurationMs(node.text())) {
      return *ms;
    }
  }
  return failAt(node, path,
                "expected a duration with a unit such as 30s or 1m30s, found " + node.describe());
}

Result<std::int64_t> asBytes(const Node& node, const std::string& path) {
  if (node.isScalar()) {
    if (auto bytes = parseBytes(node.text())) {
      return *bytes;
    }
  }
  return failAt(node, path, "expected a byte size such as 512m or 1g, found " + node.describe());
}

Result<std::vector<std::string>> asStringList(const Node& node, const std::string& path) {
  std::vector<std::string> out;
  if (node.isNull()) {
    return out;
  }
  if (node.isScalar()) {
    out.push_back(node.text());
    return out;
  }
  if (!node.isSequence()) {
    return failAt(node, path, "expected a list of strings, found " + node.describe());
  }
  for (std::size_t i = 0; i < node.items().size(); ++i) {
    COP_ASSIGN_OR_RETURN(item, asString(node.items()[i], indexPath(path, i)));
    out.push_back(std::move(item));
  }
  return out;
}

Result<MappingReader> MappingReader::open(const Node& node, std::string path) {
  if (!node.isMapping() && !node.isNull()) {
    return failAt(node, path, "expected a mapping, found " + node.describe());
  }
  return MappingReader(node, std::move(path));
}

const Node* MappingReader::get(std::string_view key) {
  known_.emplace(key);
  const Node* value = node_->isMapping() ? node_->find(key) : nullptr;
  return value == nullptr || value->isNull() ? nullptr : value;
}

bool MappingReader::has(std::string_view key) const {
  return node_->isMapping() && node_->find(key) != nullptr;
}

Result<std::optional<std::string>> MappingReader::string(std::string_view key) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::optional<std::string>();
  }
  COP_ASSIGN_OR_RETURN(text, asString(*value, pathOf(key)));
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<bool>> MappingReader::boolean(std::string_view key) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::optional<bool>();
  }
  COP_ASSIGN_OR_RETURN(flag, asBool(*value, pathOf(key)));
  return std::optional<bool>(flag);
}

Result<std::optional<std::int64_t>> MappingReader::integer(std::string_view key, std::int64_t min,
                                                           std::int64_t max) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  COP_ASSIGN_OR_RETURN(number, asInt(*value, pathOf(key), min, max));
  return std::optional<std::int64_t>(number);
}

Result<std::optional<std::int64_t>> MappingReader::durationMs(std::string_view key) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  COP_ASSIGN_OR_RETURN(ms, asDurationMs(*value, pathOf(key)));
  return std::optional<std::int64_t>(ms);
}

Result<std::optional<std::int64_t>> MappingReader::bytes(std::string_view key) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::optional<std::int64_t>();
  }
  COP_ASSIGN_OR_RETURN(amount, asBytes(*value, pathOf(key)));
  return std::optional<std::int64_t>(amount);
}

Result<std::vector<std::string>> MappingReader::stringList(std::string_view key) {
  const Node* value = get(key);
  if (value == nullptr) {
    return std::vector<std::string>();
  }
  return asStringList(*value, pathOf(key));
}

void MappingReader::accept(std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    known_.emplace(key);
  }
}

Status MappingReader::rejectUnknown(std::string_view what) {
  if (!node_->isMapping()) {
    return {};
  }
  for (const auto& entry : node_->entries()) {
    if (entry.key.starts_with("x-") || known_.contains(entry.key)) {
      continue;
    }
    const Node& at = entry.value.isNull() ? *node_ : entry.value;
    return failAt(at, pathOf(entry.key), "unknown key '" + entry.key + "' in " + std::string(what));
  }
  return {};
}

Unexpected<Error> MappingReader::failKey(std::string_view key, std::string message) const {
  const Node* value = node_->isMapping() ? node_->find(key) : nullptr;
  const Node& at = value != nullptr && !value->isNull() ? *value : *node_;
  return failAt(at, pathOf(key), std::move(message));
}

}  // namespace cop::load
