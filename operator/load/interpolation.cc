#include "operator/load/interpolation.h"

#include <cctype>

#include "operator/common/message_text.h"
#include "operator/load/load_budget.h"
#include "operator/load/node_path.h"

namespace cop::load {

namespace {

// Nesting inside defaults is rare and shallow; the bound only stops hostile input.
constexpr int kMaxNesting = 32;

bool isNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

class Interpolator {
 public:
  Interpolator(const VariableLookup& lookup, std::map<std::string, int>* unset, LoadBudget* budget,
               std::map<std::string, std::string>* substituted = nullptr)
      : lookup_(lookup), unset_(unset), budget_(budget), substituted_(substituted) {}

  Result<std::string> run(std::string_view text, int depth) {
    if (depth > kMaxNesting) {
      return fail("variable substitutions nested deeper than " + std::to_string(kMaxNesting) +
                  " levels");
    }
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c != '$') {
        out += c;
        ++i;
        continue;
      }
      if (i + 1 >= text.size()) {
        out += '$';  // a trailing $ is kept as is
        ++i;
        continue;
      }
      const char next = text[i + 1];
      if (next == '$') {
        out += '$';
        i += 2;
      } else if (next == '{') {
        const std::size_t close = matchingBrace(text, i + 2);
        if (close == std::string_view::npos) {
          return fail("invalid interpolation format in \"" + excerpt(text) +
                      "\": a '${' has no closing '}'");
        }
        COP_ASSIGN_OR_RETURN(value, braced(text.substr(i + 2, close - i - 2), text, depth));
        COP_TRY(append(out, value));
        i = close + 1;
      } else if (isNameStart(next)) {
        std::size_t end = i + 1;
        while (end < text.size() && isNameChar(text[end])) {
          ++end;
        }
        const std::string name(text.substr(i + 1, end - i - 1));
        COP_TRY(append(out, valueOrBlank(name)));
        i = end;
      } else {
        out += '$';  // "$5", "$-": not a variable; compose keeps the text
        ++i;
      }
    }
    return out;
  }

 private:
  static std::size_t matchingBrace(std::string_view text, std::size_t from) {
    int open = 1;
    for (std::size_t j = from; j < text.size(); ++j) {
      if (text[j] == '$' && j + 1 < text.size() && text[j + 1] == '{') {
        ++open;
        ++j;
      } else if (text[j] == '}') {
        if (--open == 0) {
          return j;
        }
      }
    }
    return std::string_view::npos;
  }

  Result<std::string> braced(std::string_view body, std::string_view whole, int depth) {
    std::size_t end = 0;
    if (!body.empty() && isNameStart(body[0])) {
      end = 1;
      while (end < body.size() && isNameChar(body[end])) {
        ++end;
      }
    }
    if (end == 0) {
      return fail("invalid interpolation format in \"" + excerpt(whole) + "\": '${" +
                  excerpt(body) + "}' does not start with a variable name");
    }
    const std::string name(body.substr(0, end));
    std::string_view rest = body.substr(end);
    if (rest.empty()) {
      return valueOrBlank(name);
    }
    const bool colon = rest.front() == ':';
    if (colon) {
      rest.remove_prefix(1);
    }
    if (rest.empty() || (rest.front() != '-' && rest.front() != '?' && rest.front() != '+')) {
      return fail("invalid interpolation format in \"" + excerpt(whole) + "\": '${" +
                  excerpt(body) + "}' (expected ${VAR}, ${VAR:-default}, ${VAR-default}, " +
                  "${VAR:?error}, ${VAR?error}, ${VAR:+alt} or ${VAR+alt})");
    }
    const char op = rest.front();
    const std::string_view argument = rest.substr(1);
    const std::optional<std::string> value = lookup(name);
    // With a colon, an empty value counts as unset.
    const bool present = value.has_value() && (!colon || !value->empty());
    switch (op) {
      case '-':
        if (present) {
          return *value;
        }
        return run(argument, depth + 1);
      case '+':
        if (present) {
          return run(argument, depth + 1);
        }
        return std::string();
      default: {  // '?'
        if (present) {
          return *value;
        }
        COP_ASSIGN_OR_RETURN(message, run(argument, depth + 1));
        return fail("required variable " + name + " is missing a value" +
                    (message.empty() ? std::string() : ": " + excerpt(message)));
      }
    }
  }

  // Appends a substituted value, within the budget's bound on one value.
  Status append(std::string& out, const std::string& value) const {
    if (budget_ != nullptr && out.size() + value.size() > budget_->limits().maxBytes) {
      return fail("a value grows to more than " + std::to_string(budget_->limits().maxBytes) +
                  " bytes by variable substitution; refusing to load it");
    }
    out += value;
    return {};
  }

  // The variable's value, remembered as substituted (a message must never quote it).
  std::optional<std::string> lookup(const std::string& name) {
    std::optional<std::string> value = lookup_(name);
    if (value && substituted_ != nullptr) {
      (*substituted_)[name] = *value;
    }
    return value;
  }

  std::string valueOrBlank(const std::string& name) {
    if (auto value = lookup(name)) {
      return *value;
    }
    if (unset_ != nullptr) {
      ++(*unset_)[name];
    }
    return {};
  }

  const VariableLookup& lookup_;
  std::map<std::string, int>* unset_;
  LoadBudget* budget_;
  std::map<std::string, std::string>* substituted_;
};

Status interpolateNode(Node& node, const VariableLookup& lookup, const std::string& path,
                       std::map<std::string, int>& unset,
                       std::map<std::string, std::pair<std::string, int>>& firstUse,
                       LoadBudget* budget, std::map<std::string, std::string>* substituted) {
  switch (node.kind()) {
    case Node::Kind::kScalar: {
      if (node.text().find('$') == std::string::npos) {
        return {};
      }
      std::map<std::string, int> unsetHere;
      auto value = Interpolator(lookup, &unsetHere, budget, substituted).run(node.text(), 0);
      if (value && budget != nullptr && value->size() > node.text().size()) {
        if (auto charged = budget->charge(0, value->size() - node.text().size(), "interpolation");
            !charged) {
          value = Unexpected(std::move(charged).error());
        }
      }
      if (!value) {
        Error error = std::move(value).error();
        return fail(error.message, path, node.mark().fileName(), node.mark().line);
      }
      for (const auto& [name, count] : unsetHere) {
        unset[name] += count;
        firstUse.try_emplace(name, path, node.mark().line);
      }
      if (*value != node.text()) {
        node.setText(std::move(*value));
        node.setQuoted(true);
      }
      return {};
    }
    case Node::Kind::kSequence:
      for (std::size_t i = 0; i < node.items().size(); ++i) {
        COP_TRY(interpolateNode(node.items()[i], lookup, indexPath(path, i), unset, firstUse,
                                budget, substituted));
      }
      return {};
    case Node::Kind::kMapping:
      for (auto& entry : node.entries()) {
        COP_TRY(interpolateNode(entry.value, lookup, childPath(path, entry.key), unset, firstUse,
                                budget, substituted));
      }
      return {};
    case Node::Kind::kNull:
      return {};
  }
  return {};
}

}  // namespace

Result<std::string> interpolate(std::string_view text, const VariableLookup& lookup,
                                std::map<std::string, int>* unset, LoadBudget* budget) {
  return Interpolator(lookup, unset, budget).run(text, 0);
}

Status interpolateTree(Node& node, const VariableLookup& lookup, const std::string& path,
                       Warnings& warnings, LoadBudget* budget,
                       std::map<std::string, std::string>* substituted) {
  std::map<std::string, int> unset;
  std::map<std::string, std::pair<std::string, int>> firstUse;
  COP_TRY(interpolateNode(node, lookup, path, unset, firstUse, budget, substituted));
  for (const auto& [name, count] : unset) {
    const auto& [usePath, line] = firstUse[name];
    warnings.add("the variable " + name + " is not set; substituting a blank string", usePath,
                 node.mark().fileName(), line);
  }
  return {};
}

}  // namespace cop::load
