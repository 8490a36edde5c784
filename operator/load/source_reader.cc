#include "operator/load/source_reader.h"

#include "operator/load/paths.h"

namespace cop::load {

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

}  // namespace cop::load
