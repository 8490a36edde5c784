#include "operator/load/yaml_node.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace cop::load {

namespace {

const std::string kNoFile;
constexpr std::string_view kMergeKey = "<<";
constexpr std::string_view kStringTag = "tag:yaml.org,2002:str";
constexpr std::string_view kQuotedTag = "!";
constexpr std::string_view kPlainTag = "?";

// Copies a yaml-cpp tree into ours, expanding aliases and applying merge keys, while
// counting nodes and depth so that hostile input fails fast with a clear error.
class Converter {
 public:
  Converter(std::shared_ptr<const std::string> file, const YamlLimits& limits)
      : file_(std::move(file)), limits_(limits) {}

  Result<Node> convert(const YAML::Node& in, int depth, int fallbackLine) {
    if (++nodes_ > limits_.maxNodes) {
      return failAt(fallbackLine, "the document expands to more than " +
                                      std::to_string(limits_.maxNodes) +
                                      " nodes (anchors and aliases included); refusing to load it");
    }
    if (depth > limits_.maxDepth) {
      return failAt(fallbackLine, "nesting deeper than " + std::to_string(limits_.maxDepth) +
                                      " levels; refusing to load it");
    }
    const int line = in.Mark().is_null() ? fallbackLine : in.Mark().line + 1;
    Mark mark{file_, line};
    Node out;
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        // yaml-cpp's marks on empty values point past them; the key's line is the honest one.
        out = Node::null(Mark{file_, fallbackLine});
        break;
      case YAML::NodeType::Scalar: {
        const std::string& tag = in.Tag();
        const bool quoted = tag == kQuotedTag || tag == kStringTag;
        out = Node::scalar(in.Scalar(), mark, quoted);
        break;
      }
      case YAML::NodeType::Sequence: {
        out = Node::sequence(mark);
        out.items().reserve(in.size());
        for (const auto& item : in) {
          COP_ASSIGN_OR_RETURN(child, convert(item, depth + 1, line));
          out.items().push_back(std::move(child));
        }
        break;
      }
      case YAML::NodeType::Map: {
        COP_ASSIGN_OR_RETURN(mapping, convertMap(in, depth, mark));
        out = std::move(mapping);
        break;
      }
    }
    COP_TRY(applyTag(in, out));
    return out;
  }

 private:
  Status applyTag(const YAML::Node& in, Node& out) {
    const std::string& tag = in.Tag();
    if (tag.empty() || tag == kPlainTag || tag == kQuotedTag || tag.starts_with("tag:yaml.org")) {
      return {};
    }
    if (tag == "!reset" || tag == "!override") {
      out.setTag(tag);
      return {};
    }
    return failAt(out.mark().line,
                  "unknown YAML tag '" + tag + "' (compose knows !reset and !override)");
  }

  Result<Node> convertMap(const YAML::Node& in, int depth, const Mark& mark) {
    Node out = Node::mapping(mark);
    std::vector<const YAML::Node*> mergeSources;
    std::vector<YAML::Node> mergeHolder;  // keeps iterated values alive
    for (const auto& pair : in) {
      const YAML::Node& key = pair.first;
      const int keyLine = key.Mark().is_null() ? mark.line : key.Mark().line + 1;
      if (!key.IsScalar()) {
        return failAt(keyLine, "a mapping key must be a plain string, not " +
                                   std::string(key.IsMap() ? "a mapping" : "a sequence"));
      }
      const std::string& name = key.Scalar();
      if (name == kMergeKey && key.Tag() == kPlainTag) {
        mergeHolder.push_back(pair.second);
        continue;
      }
      if (out.find(name) != nullptr) {
        return failAt(keyLine, "duplicate key '" + name + "'");
      }
      COP_ASSIGN_OR_RETURN(value, convert(pair.second, depth + 1, keyLine));
      out.entries().push_back(Node::MapEntry{name, std::move(value)});
    }
    // YAML merge keys: explicit keys win, and among merged maps the earlier one wins.
    for (const YAML::Node& source : mergeHolder) {
      if (!source.IsMap() && !source.IsSequence()) {
        return failAt(mark.line,
                      "the value of a '<<' merge key must be a mapping or a list of mappings");
      }
      std::vector<YAML::Node> maps;
      if (source.IsMap()) {
        maps.push_back(source);
      } else if (source.IsSequence()) {
        for (const auto& item : source) {
          maps.push_back(item);
        }
      }
      for (const YAML::Node& merged : maps) {
        if (!merged.IsMap()) {
          return failAt(mark.line,
                        "the value of a '<<' merge key must be a mapping or a list of mappings");
        }
        COP_ASSIGN_OR_RETURN(converted, convert(merged, depth + 1, mark.line));
        for (auto& entry : converted.entries()) {
          if (out.find(entry.key) == nullptr) {
            out.entries().push_back(std::move(entry));
          }
        }
      }
    }
    return out;
  }

  Unexpected<Error> failAt(int line, std::string message) const {
    return fail(std::move(message), {}, *file_, line);
  }

  std::shared_ptr<const std::string> file_;
  const YamlLimits& limits_;
  std::size_t nodes_ = 0;
};

}  // namespace

const std::string& Mark::fileName() const {
  return file ? *file : kNoFile;
}

Node Node::null(Mark mark) {
  Node n;
  n.kind_ = Kind::kNull;
  n.mark_ = std::move(mark);
  return n;
}

Node Node::scalar(std::string text, Mark mark, bool quoted) {
  Node n;
  n.kind_ = Kind::kScalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  n.mark_ = std::move(mark);
  return n;
}

Node Node::sequence(Mark mark) {
  Node n;
  n.kind_ = Kind::kSequence;
  n.mark_ = std::move(mark);
  return n;
}

Node Node::mapping(Mark mark) {
  Node n;
  n.kind_ = Kind::kMapping;
  n.mark_ = std::move(mark);
  return n;
}

const Node* Node::find(std::string_view key) const {
  for (const auto& entry : entries_) {
    if (entry.key == key) {
      return &entry.value;
    }
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

void Node::set(std::string key, Node value) {
  for (auto& entry : entries_) {
    if (entry.key == key) {
      entry.value = std::move(value);
      return;
    }
  }
  entries_.push_back(MapEntry{std::move(key), std::move(value)});
}

bool Node::erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const MapEntry& e) { return e.key == key; });
  if (it == entries_.end()) {
    return false;
  }
  entries_.erase(it);
  return true;
}

std::string Node::describe() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kScalar:
      return "the scalar '" + text_ + "'";
    case Kind::kSequence:
      return "a list";
    case Kind::kMapping:
      return "a mapping";
  }
  return "a value";
}

Result<Node> parseYaml(std::string_view text, const std::string& fileName,
                       const YamlLimits& limits) {
  if (text.size() > limits.maxBytes) {
    return fail("the file is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(limits.maxBytes) + " bytes for a compose file",
                {}, fileName);
  }
  if (text.find('\0') != std::string_view::npos) {
    return fail("the file contains a NUL byte; it is not a YAML text file", {}, fileName);
  }
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    return fail("nesting deeper than the YAML parser allows (" + std::to_string(e.depth()) +
                    " levels); refusing to load it",
                {}, fileName, e.mark.line + 1);
  } catch (const YAML::Exception& e) {
    return fail("invalid YAML: " + e.msg, {}, fileName, e.mark.is_null() ? 0 : e.mark.line + 1);
  } catch (const std::exception& e) {
    return fail(std::string("invalid YAML: ") + e.what(), {}, fileName);
  }
  auto file = std::make_shared<const std::string>(fileName);
  if (documents.empty()) {
    return Node::null(Mark{file, 1});
  }
  if (documents.size() > 1) {
    return fail("the file holds " + std::to_string(documents.size()) +
                    " YAML documents; a compose file is a single document",
                {}, fileName);
  }
  Converter converter(file, limits);
  try {
    return converter.convert(documents.front(), 0, 1);
  } catch (const YAML::Exception& e) {
    return fail("invalid YAML: " + e.msg, {}, fileName, e.mark.is_null() ? 0 : e.mark.line + 1);
  }
}

}  // namespace cop::load
