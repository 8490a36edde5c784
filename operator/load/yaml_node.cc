#include "operator/load/yaml_node.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "operator/common/message_text.h"
#include "operator/common/utf8.h"
#include "operator/load/load_budget.h"
#include "operator/load/scalar_text.h"

namespace cop::load {

namespace {

const std::string kNoFile;
constexpr std::string_view kMergeKey = "<<";
constexpr std::string_view kStringTag = "tag:yaml.org,2002:str";
constexpr std::string_view kQuotedTag = "!";
constexpr std::string_view kPlainTag = "?";

// Builds our tree straight from yaml-cpp's parser events. yaml-cpp's own node tree is far
// too costly for hostile input (50,000 services: 13 s and 800 MB, against 0.2 s and 5 MB for
// the events), so it is never built. Aliases are expanded here, merge keys applied and
// duplicate keys refused, and every node counts against the budget, alias copies included.
class TreeBuilder final : public YAML::EventHandler {
 public:
  // Thrown out of the parser to stop it at the first limit crossed or bad construct.
  struct Stop {
    Error error;
  };

  TreeBuilder(std::shared_ptr<const std::string> file, const YamlLimits& limits, LoadBudget& budget)
      : file_(std::move(file)), limits_(limits), budget_(budget) {}

  int documents() const { return documents_; }
  Node takeRoot() { return std::move(root_); }

  // YAML::EventHandler
  void OnDocumentStart(const YAML::Mark&) override { ++documents_; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    // An empty value reports the position after it; its key's line is the honest one.
    const int line =
        !frames_.empty() && frames_.back().node.isMapping() && !frames_.back().expectKey
            ? frames_.back().keyLine
            : lineOf(mark);
    add(Node::null(Mark{file_, line}), anchor, mark, {1, 0});
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      stop(mark, "an alias refers to an anchor that is not defined before it");
    }
    add(it->second.node, 0, mark, it->second.size);  // an alias costs what it copies
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const bool quoted = tag == kQuotedTag || tag == kStringTag;
    Node node = Node::scalar(value, Mark{file_, lineOf(mark)}, quoted);
    applyTag(node, tag, mark);
    const bool plainKey = tag == kPlainTag || tag.empty();
    add(std::move(node), anchor, mark, {1, value.size()}, plainKey);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Node::sequence(Mark{file_, lineOf(mark)}), tag, anchor, mark);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Node::mapping(Mark{file_, lineOf(mark)}), tag, anchor, mark);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    TreeSize budgetAtOpen;  // the budget spent when this frame opened
    // Mappings: whether the next event is a key, the pending key, keys seen, merge sources.
    bool expectKey = true;
    std::string key;
    int keyLine = 0;
    bool mergeKey = false;
    bool keyNotString = false;
    std::unordered_set<std::string> keys;
    std::vector<Node> mergeSources;
  };
  struct Anchored {
    Node node;
    TreeSize size;  // nodes and text in the subtree, charged again at every alias
  };

  int lineOf(const YAML::Mark& mark) const { return mark.is_null() ? 0 : mark.line + 1; }

  [[noreturn]] void stop(const YAML::Mark& mark, std::string message) const {
    throw Stop{Error{std::move(message), *file_, lineOf(mark), {}}};
  }

  void charge(TreeSize size, const YAML::Mark& mark) {
    if (auto charged = budget_.charge(size.nodes, size.bytes, "anchors and aliases"); !charged) {
      stop(mark, charged.error().message);
    }
  }

  void applyTag(Node& node, const std::string& tag, const YAML::Mark& mark) const {
    if (tag.empty() || tag == kPlainTag || tag == kQuotedTag || tag.starts_with("tag:yaml.org")) {
      return;
    }
    if (tag == "!reset" || tag == "!override") {
      node.setTag(tag);
      return;
    }
    stop(mark, "unknown YAML tag '" + tag + "' (compose knows !reset and !override)");
  }

  void open(Node node, const std::string& tag, YAML::anchor_t anchor, const YAML::Mark& mark) {
    if (!frames_.empty() && frames_.back().node.isMapping() && frames_.back().expectKey) {
      stop(mark, std::string("a mapping key must be a plain string, not ") +
                     (node.isMapping() ? "a mapping" : "a list"));
    }
    if (static_cast<int>(frames_.size()) >= limits_.maxDepth) {
      stop(mark, "nesting deeper than " + std::to_string(limits_.maxDepth) +
                     " levels; refusing to load it");
    }
    charge({1, 0}, mark);
    applyTag(node, tag, mark);
    Frame frame;
    frame.node = std::move(node);
    frame.anchor = anchor;
    frame.budgetAtOpen = {budget_.nodes(), budget_.bytes()};
    frames_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    Node node = std::move(frame.node);
    if (node.isMapping()) {
      // YAML merge keys: explicit keys win, and among merged maps the earlier one wins.
      for (Node& source : frame.mergeSources) {
        for (auto& entry : source.entries()) {
          if (frame.keys.insert(entry.key).second) {
            node.entries().push_back(std::move(entry));
          }
        }
      }
    }
    const TreeSize size{budget_.nodes() - frame.budgetAtOpen.nodes + 1,
                        budget_.bytes() - frame.budgetAtOpen.bytes};
    place(std::move(node), frame.anchor, size, YAML::Mark::null_mark(), false);
  }

  // A finished node of `size` nodes: store it under its anchor and hand it to its parent.
  void add(Node node, YAML::anchor_t anchor, const YAML::Mark& mark, TreeSize size,
           bool plainKey = false) {
    charge(size, mark);
    place(std::move(node), anchor, size, mark, plainKey);
  }

  void place(Node node, YAML::anchor_t anchor, TreeSize size, const YAML::Mark& mark,
             bool plainKey) {
    if (anchor != 0) {
      anchors_[anchor] = Anchored{node, size};
    }
    if (frames_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& parent = frames_.back();
    if (parent.node.isSequence()) {
      parent.node.items().push_back(std::move(node));
      return;
    }
    if (parent.expectKey) {
      if (!node.isScalar()) {
        stop(mark, "a mapping key must be a plain string");
      }
      parent.key = node.text();
      parent.keyLine = node.mark().line;
      parent.mergeKey = plainKey && parent.key == kMergeKey;
      parent.keyNotString = plainKey && isPlainNonString(node);
      if (!parent.mergeKey && !parent.keys.insert(parent.key).second) {
        throw Stop{Error{"duplicate key '" + parent.key + "'", *file_, parent.keyLine, {}}};
      }
      parent.expectKey = false;
      return;
    }
    parent.expectKey = true;
    if (parent.mergeKey) {
      if (node.isMapping()) {
        parent.mergeSources.push_back(std::move(node));
        return;
      }
      if (node.isSequence()) {
        for (Node& item : node.items()) {
          if (!item.isMapping()) {
            throw Stop{
                Error{"the value of a '<<' merge key must be a mapping or a list of mappings",
                      *file_,
                      parent.keyLine,
                      {}}};
          }
          parent.mergeSources.push_back(std::move(item));
        }
        return;
      }
      throw Stop{Error{"the value of a '<<' merge key must be a mapping or a list of mappings",
                       *file_,
                       parent.keyLine,
                       {}}};
    }
    parent.node.entries().push_back(
        Node::MapEntry{std::move(parent.key), std::move(node), parent.keyNotString});
  }

  std::shared_ptr<const std::string> file_;
  const YamlLimits& limits_;
  LoadBudget& budget_;
  std::vector<Frame> frames_;
  std::unordered_map<YAML::anchor_t, Anchored> anchors_;
  Node root_;
  int documents_ = 0;
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
      return "the scalar '" + excerpt(text_) + "'";
    case Kind::kSequence:
      return "a list";
    case Kind::kMapping:
      return "a mapping";
  }
  return "a value";
}

Result<Node> parseYaml(std::string_view text, const std::string& fileName, const YamlLimits& limits,
                       LoadBudget* budget) {
  LoadBudget ownBudget(limits);
  if (budget == nullptr) {
    budget = &ownBudget;
  }
  if (text.size() > limits.maxBytes) {
    return fail("the file is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                    std::to_string(limits.maxBytes) + " bytes for a compose file",
                {}, fileName);
  }
  if (text.find('\0') != std::string_view::npos) {
    return fail("the file contains a NUL byte; it is not a YAML text file", {}, fileName);
  }
  if (const auto line = firstInvalidUtf8Line(text)) {  // before any consumer sees the text
    return fail(std::string(kInvalidUtf8Message), {}, fileName, *line);
  }
  auto file = std::make_shared<const std::string>(fileName);
  TreeBuilder builder(file, limits, *budget);
  try {
    std::istringstream stream{std::string(text)};
    YAML::Parser parser(stream);
    while (parser.HandleNextDocument(builder)) {
      if (builder.documents() > 1) {
        return fail(
            "the file holds more than one YAML document; a compose file is a single document", {},
            fileName);
      }
    }
  } catch (const TreeBuilder::Stop& stop) {
    return Unexpected(stop.error);
  } catch (const YAML::DeepRecursion& e) {
    return fail("nesting deeper than the YAML parser allows (" + std::to_string(e.depth()) +
                    " levels); refusing to load it",
                {}, fileName, e.mark.line + 1);
  } catch (const YAML::Exception& e) {
    return fail("invalid YAML: " + e.msg, {}, fileName, e.mark.is_null() ? 0 : e.mark.line + 1);
  } catch (const std::exception& e) {
    return fail(std::string("invalid YAML: ") + e.what(), {}, fileName);
  }
  if (builder.documents() == 0) {
    return Node::null(Mark{file, 1});
  }
  return builder.takeRoot();
}

}  // namespace cop::load
