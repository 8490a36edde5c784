#pragma once

// The loader's only window on files. The convert command hands it a FileSystemReader; the
// operator hands it a MemoryReader filled from the ComposeStack, so the same loader never
// touches the operator's own filesystem.

#include <cstddef>
#include <map>
#include <string>

#include "operator/common/diagnostic.h"

namespace cop::load {

enum class ReadFailure {
  kNotFound,
  kNotRegularFile,
  kTooLarge,
  kIo,
  kOverBudget,      // the load as a whole has read or materialised too much (load_budget.h)
  kOutsideProject,  // the path resolves (symlinks included) outside the project directory
};

struct ReadError {
  ReadFailure kind = ReadFailure::kIo;
  std::string message;  // names the path; never contains file content
};

class SourceReader {
 public:
  virtual ~SourceReader() = default;

  // Reads a whole regular file of at most maxBytes bytes.
  virtual Expected<std::string, ReadError> read(const std::string& path,
                                                std::size_t maxBytes) const = 0;
};

// Files held in memory, keyed by path (the operator's files, and tests).
class MemoryReader final : public SourceReader {
 public:
  MemoryReader() = default;
  explicit MemoryReader(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  void add(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }

  // SourceReader
  Expected<std::string, ReadError> read(const std::string& path,
                                        std::size_t maxBytes) const override;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace cop::load
