#include "operator/load/dotenv.h"

#include <cctype>
#include <unordered_map>

#include "operator/common/utf8.h"
#include "operator/load/load_budget.h"

namespace cop::load {

namespace {

bool isKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

std::string_view trimLeft(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  return s;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

class DotenvParser {
 public:
  DotenvParser(std::string_view text, const std::string& fileName, const VariableLookup& lookup,
               bool raw, LoadBudget* budget)
      : text_(text), file_(fileName), outer_(lookup), raw_(raw), budget_(budget) {}

  Result<EnvList> run() {
    while (pos_ < text_.size()) {
      ++line_;
      const int startLine = line_;
      std::string_view current = takeLine();
      current = trimLeft(current);
      if (trimRight(current).empty() || current.front() == '#') {
        continue;
      }
      if (current.starts_with("export ")) {
        current = trimLeft(current.substr(7));
      }
      std::size_t keyEnd = 0;
      while (keyEnd < current.size() && isKeyChar(current[keyEnd])) {
        ++keyEnd;
      }
      const std::string key(current.substr(0, keyEnd));
      std::string_view rest = trimLeft(current.substr(keyEnd));
      if (key.empty() || (!rest.empty() && rest.front() != '=' &&
                          !(rest.front() == '#' && trimRight(rest).size() > 0))) {
        return failLine(startLine, "invalid line: expected KEY=VALUE");
      }
      if (rest.empty() || rest.front() == '#') {
        // Key-only: the value comes from the environment, or the key is left out.
        if (auto value = lookupVar(key)) {
          COP_TRY(set(key, *value, startLine));
        }
        continue;
      }
      rest.remove_prefix(1);  // '='
      if (!raw_) {
        rest = trimLeft(rest);  // a raw value keeps its padding, as `docker run --env-file`
      }
      COP_ASSIGN_OR_RETURN(value, parseValue(rest, startLine));
      COP_TRY(set(key, std::move(value), startLine));
    }
    return std::move(entries_);
  }

 private:
  std::string_view takeLine() {
    const std::size_t end = text_.find('\n', pos_);
    std::string_view line =
        text_.substr(pos_, end == std::string_view::npos ? text_.npos : end - pos_);
    pos_ = end == std::string_view::npos ? text_.size() : end + 1;
    return line;
  }

  Result<std::string> parseValue(std::string_view rest, int startLine) {
    if (raw_) {
      return std::string(rest);
    }
    if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
      const char quote = rest.front();
      std::string body;
      std::string_view remaining = rest.substr(1);
      // A quoted value may continue over several lines until its closing quote.
      while (true) {
        std::size_t close = std::string_view::npos;
        for (std::size_t i = 0; i < remaining.size(); ++i) {
          if (quote == '"' && remaining[i] == '\\' && i + 1 < remaining.size()) {
            ++i;
            continue;
          }
          if (remaining[i] == quote) {
            close = i;
            break;
          }
        }
        if (close != std::string_view::npos) {
          body += remaining.substr(0, close);
          std::string_view after = trimLeft(trimRight(remaining.substr(close + 1)));
          if (!after.empty() && after.front() != '#') {
            return failLine(line_, "unexpected text after the closing quote");
          }
          break;
        }
        if (pos_ >= text_.size()) {
          return failLine(startLine, std::string("unterminated ") +
                                         (quote == '"' ? "double" : "single") + "-quoted value");
        }
        body += remaining;
        body += '\n';
        ++line_;
        remaining = takeLine();
      }
      if (quote == '\'') {
        return body;
      }
      return expand(unescape(body), startLine);
    }
    // Unquoted: an inline comment starts at a '#' that follows whitespace.
    std::size_t cut = rest.size();
    for (std::size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] == '#' && (rest[i - 1] == ' ' || rest[i - 1] == '\t')) {
        cut = i;
        break;
      }
    }
    return expand(std::string(trimRight(rest.substr(0, cut))), startLine);
  }

  static std::string unescape(const std::string& body) {
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\\' && i + 1 < body.size()) {
        const char c = body[++i];
        switch (c) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'a':
            out += '\a';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'v':
            out += '\v';
            break;
          case '$':
            out += "$$";  // stays a literal dollar through interpolation
            break;
          case '"':
          case '\\':
            out += c;
            break;
          default:
            // compose keeps an escape it does not know as written (`\q` stays `\q`).
            out += '\\';
            out += c;
        }
      } else {
        out += body[i];
      }
    }
    return out;
  }

  Result<std::string> expand(const std::string& value, int line) {
    auto result = interpolate(
        value, [this](const std::string& name) { return lookupVar(name); }, nullptr, budget_);
    if (!result) {
      return failLine(line, result.error().message);
    }
    return std::move(result).value();
  }

  // The caller's variables (the process environment first) win over the file's own earlier
  // keys, also inside the file's later lines: compose resolves a value against the current
  // environment before the file's own keys.
  std::optional<std::string> lookupVar(const std::string& name) const {
    if (auto value = outer_ ? outer_(name) : std::nullopt) {
      return value;
    }
    if (auto it = positions_.find(name); it != positions_.end()) {
      return entries_[it->second].second;
    }
    return std::nullopt;
  }

  // A key set again keeps its first position and takes the new value (found through an
  // index: a file may repeat keys on every one of 100,000 lines).
  Status set(const std::string& key, std::string value, int line) {
    if (budget_ != nullptr) {
      if (auto charged = budget_->charge(0, key.size() + value.size(), "env file values");
          !charged) {
        return failLine(line, charged.error().message);
      }
    }
    if (auto it = positions_.find(key); it != positions_.end()) {
      entries_[it->second].second = std::move(value);
      return {};
    }
    positions_.emplace(key, entries_.size());
    entries_.emplace_back(key, std::move(value));
    return {};
  }

  Unexpected<Error> failLine(int line, std::string message) const {
    return fail(std::move(message), {}, file_, line);
  }

  std::string_view text_;
  const std::string& file_;
  const VariableLookup& outer_;
  bool raw_;
  std::size_t pos_ = 0;
  int line_ = 0;
  LoadBudget* budget_;
  EnvList entries_;
  // key -> index in entries_: the file's own earlier keys, which its later values may use.
  std::unordered_map<std::string, std::size_t> positions_;
};

}  // namespace

Result<EnvList> parseDotenv(std::string_view text, const std::string& fileName,
                            const VariableLookup& lookup, bool raw, LoadBudget* budget) {
  if (const auto line = firstInvalidUtf8Line(text)) {  // values become pod env and Secrets
    return fail(std::string(kInvalidUtf8Message), {}, fileName, *line);
  }
  return DotenvParser(text, fileName, lookup, raw, budget).run();
}

}  // namespace cop::load
