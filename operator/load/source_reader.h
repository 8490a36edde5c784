#pragma once

// The loader's only window on files. The convert command hands it a FileSystemReader; the
// operator hands it a MemoryReader filled from the ComposeStack, so the same loader never
// touches the operator's own filesystem.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "operator/common/diagnostic.h"

namespace cop::load {

enum class ReadFailure {
  kNotFound,
  kDirectory,
  kNotRegularFile,  // a device, a FIFO, a socket, or a /proc or /sys file
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

// Files held in memory, keyed by path (the operator's files, and tests). Paths are
// normalised (normalizePath: "./a/../b.txt" is "b.txt") when a file is added and when it is
// read, so a file is found however either side spells its path. Two paths that normalise
// alike name one file: the one added last wins (in the constructor, the later key in map
// order).
class MemoryReader final : public SourceReader {
 public:
  MemoryReader() = default;
  explicit MemoryReader(std::map<std::string, std::string> files);
  void add(const std::string& path, std::string content);

  // SourceReader
  Expected<std::string, ReadError> read(const std::string& path,
                                        std::size_t maxBytes) const override;

 private:
  std::map<std::string, std::string> files_;
};

// Refuses, for any reader, a path that leaves the project directory lexically ("../x", an
// absolute path elsewhere), except the files the user named (-f, --env-file). The convert
// command's FileSystemReader also resolves symlinks; this keeps the in-memory reader of the
// operator to the same rule.
class ConfinedReader final : public SourceReader {
 public:
  ConfinedReader(const SourceReader& inner, std::string projectDir,
                 std::vector<std::string> namedFiles);

  // SourceReader
  Expected<std::string, ReadError> read(const std::string& path,
                                        std::size_t maxBytes) const override;

 private:
  const SourceReader& inner_;
  std::string projectDir_;
  std::vector<std::string> namedFiles_;  // normalised
};

}  // namespace cop::load
