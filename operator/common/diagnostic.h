#pragma once

// Errors and warnings share one shape: where (file, line) and which compose field (a dotted
// path such as `services.tool.privileged`), plus what is wrong. Every stage reports through
// it, so a user always learns the file, the service and the field.

#include <string>
#include <vector>

#include "operator/common/result.h"

namespace cop {

struct Diagnostic {
  std::string message;
  std::string file;  // as the user named it; empty when the input is not a file
  int line = 0;      // 1-based; 0 when unknown
  std::string path;  // compose path, e.g. services.web.ports[0]
  // The class of problem as a stable PascalCase code (the translator's are in
  // operator/translate/diagnostic_codes.h); empty when the stage that reports gives none.
  // format() leaves it out: messages read the same with or without it.
  std::string code;

  // "compose.yaml:12: services.tool.privileged: privileged containers are not allowed"
  std::string format() const;
};

using Error = Diagnostic;

template <typename T>
using Result = Expected<T, Error>;

using Status = Expected<void, Error>;

inline Unexpected<Error> fail(std::string message, std::string path = {}, std::string file = {},
                              int line = 0) {
  return Unexpected(Error{std::move(message), std::move(file), line, std::move(path), {}});
}

// Warnings are collected, never printed by a stage: the CLI prints them to stderr, the
// operator turns them into status conditions and events.
class Warnings {
 public:
  void add(Diagnostic warning) { items_.push_back(std::move(warning)); }
  void add(std::string message, std::string path, std::string file = {}, int line = 0) {
    items_.push_back(Diagnostic{std::move(message), std::move(file), line, std::move(path), {}});
  }
  const std::vector<Diagnostic>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  // Rewrites the messages of the warnings from index `from` on (a stage redacts the values it
  // substituted from the warnings it added).
  template <typename Rewrite>
  void rewriteMessagesFrom(std::size_t from, Rewrite rewrite) {
    for (std::size_t i = from; i < items_.size(); ++i) {
      items_[i].message = rewrite(std::move(items_[i].message));
    }
  }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace cop
