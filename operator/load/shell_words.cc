#include "operator/load/shell_words.h"

#include "operator/common/message_text.h"

namespace cop::load {

Result<std::vector<std::string>> splitShellWords(std::string_view text, std::string* rest) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (inWord) {
        words.push_back(std::move(word));
        word.clear();
        inWord = false;
      }
      continue;
    }
    if (c == ';' || c == '&' || c == '|' || c == '<' || c == '>') {
      // A redirection's file descriptor ("2>") is part of the operator, not a word.
      if (c == '>' && inWord && !word.empty() && word.front() >= '0' && word.front() <= '9') {
        inWord = false;
      }
      if (rest != nullptr) {
        *rest = std::string(text.substr(i));
      }
      break;
    }
    inWord = true;
    if (c == '\\') {
      if (i + 1 < text.size()) {
        word += text[++i];
      }
      continue;
    }
    if (c == '\'') {
      const std::size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return fail("unterminated single quote in \"" + excerpt(text) + "\"");
      }
      word += text.substr(i + 1, close - i - 1);
      i = close;
      continue;
    }
    if (c == '"') {
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size()) {
          const char next = text[j + 1];
          if (next == '"' || next == '\\' || next == '$' || next == '`') {
            word += next;
            ++j;
            continue;
          }
        }
        word += text[j];
      }
      if (j >= text.size()) {
        return fail("unterminated double quote in \"" + excerpt(text) + "\"");
      }
      i = j;
      continue;
    }
    word += c;
  }
  if (inWord) {
    words.push_back(std::move(word));
  }
  return words;
}

}  // namespace cop::load
