#pragma once

// The configuration loader's only windows on the process: the environment and the files it
// reads (kubeconfig files, CA and client-certificate files, the service-account files). Tests
// hand it a MapEnvironment and a MemoryFiles; the operator hands it ProcessEnvironment and
// DiskFiles.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "operator/common/result.h"

namespace cop::client {

// Our own bound, not a client-go rule: a kubeconfig, a CA bundle or a token is far smaller.
inline constexpr std::size_t kMaxConfigFileBytes = 16 * 1024 * 1024;

class Environment {
 public:
  virtual ~Environment() = default;
  // The value of a variable, or nullopt when it is unset.
  virtual std::optional<std::string> get(const std::string& name) const = 0;
  // Every variable, in a stable order (an exec plugin runs with the parent's environment).
  virtual std::vector<std::pair<std::string, std::string>> all() const = 0;
};

enum class FileFailure { kNotFound, kTooLarge, kIo };

struct FileError {
  FileFailure kind = FileFailure::kIo;
  std::string message;  // names the path; never holds file content
};

class FileReader {
 public:
  virtual ~FileReader() = default;
  // Reads a whole regular file of at most kMaxConfigFileBytes bytes.
  virtual Expected<std::string, FileError> read(const std::string& path) const = 0;
};

class MapEnvironment final : public Environment {
 public:
  MapEnvironment() = default;
  explicit MapEnvironment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}

  // Environment
  std::optional<std::string> get(const std::string& name) const override;
  std::vector<std::pair<std::string, std::string>> all() const override;

 private:
  std::map<std::string, std::string> vars_;
};

class MemoryFiles final : public FileReader {
 public:
  MemoryFiles() = default;
  explicit MemoryFiles(std::map<std::string, std::string> files) : files_(std::move(files)) {}
  void add(std::string path, std::string content) { files_[std::move(path)] = std::move(content); }

  // FileReader
  Expected<std::string, FileError> read(const std::string& path) const override;

 private:
  std::map<std::string, std::string> files_;
};

// The real process environment (read through getenv/environ at each call; nothing cached).
class ProcessEnvironment final : public Environment {
 public:
  // Environment
  std::optional<std::string> get(const std::string& name) const override;
  std::vector<std::pair<std::string, std::string>> all() const override;
};

// The real filesystem.
class DiskFiles final : public FileReader {
 public:
  // FileReader
  Expected<std::string, FileError> read(const std::string& path) const override;
};

}  // namespace cop::client
