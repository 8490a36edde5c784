#include "operator/load/source_reader.h"

#include <algorithm>

#include "operator/load/paths.h"

namespace cop::load {

MemoryReader::MemoryReader(std::map<std::string, std::string> files) {
  for (auto& [path, content] : files) {
    add(path, std::move(content));
  }
}

void MemoryReader::add(const std::string& path, std::string content) {
  files_[normalizePath(path)] = std::move(content);
}

Expected<std::string, ReadError> MemoryReader::read(const std::string& path,
                                                    std::size_t maxBytes) const {
  auto it = files_.find(normalizePath(path));
  if (it == files_.end()) {
    return Unexpected(ReadError{ReadFailure::kNotFound, path + ": no such file"});
  }
  if (it->second.size() > maxBytes) {
    return Unexpected(ReadError{ReadFailure::kTooLarge,
                                path + ": larger than " + std::to_string(maxBytes) + " bytes"});
  }
  return it->second;
}

ConfinedReader::ConfinedReader(const SourceReader& inner, std::string projectDir,
                               std::vector<std::string> namedFiles)
    : inner_(inner), projectDir_(std::move(projectDir)) {
  for (const std::string& file : namedFiles) {
    namedFiles_.push_back(normalizePath(file));
  }
}

Expected<std::string, ReadError> ConfinedReader::read(const std::string& path,
                                                      std::size_t maxBytes) const {
  const std::string normalized = normalizePath(path);
  if (std::find(namedFiles_.begin(), namedFiles_.end(), normalized) == namedFiles_.end() &&
      !isWithin(normalized, projectDir_)) {
    return Unexpected(ReadError{ReadFailure::kOutsideProject,
                                path + ": outside the project directory (a compose file may name "
                                       "only files at or below its own directory)"});
  }
  return inner_.read(path, maxBytes);
}

}  // namespace cop::load
