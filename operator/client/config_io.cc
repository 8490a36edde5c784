#include "operator/client/config_io.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace cop::client {

std::optional<std::string> MapEnvironment::get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<std::pair<std::string, std::string>> MapEnvironment::all() const {
  return {vars_.begin(), vars_.end()};
}

Expected<std::string, FileError> MemoryFiles::read(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) {
    return Unexpected(FileError{FileFailure::kNotFound, path + ": no such file"});
  }
  if (it->second.size() > kMaxConfigFileBytes) {
    return Unexpected(FileError{FileFailure::kTooLarge, path + ": file is too large"});
  }
  return it->second;
}

std::optional<std::string> ProcessEnvironment::get(const std::string& name) const {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

std::vector<std::pair<std::string, std::string>> ProcessEnvironment::all() const {
  std::map<std::string, std::string> vars;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string::npos && eq > 0) {
      vars.emplace(text.substr(0, eq), text.substr(eq + 1));
    }
  }
  return {vars.begin(), vars.end()};
}

Expected<std::string, FileError> DiskFiles::read(const std::string& path) const {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Unexpected(FileError{FileFailure::kNotFound, path + ": no such file"});
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Unexpected(FileError{FileFailure::kIo, path + ": not a regular file"});
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Unexpected(FileError{FileFailure::kIo, path + ": cannot read the file"});
  }
  if (size > kMaxConfigFileBytes) {
    return Unexpected(FileError{FileFailure::kTooLarge, path + ": file is too large"});
  }
  std::ifstream in(path, std::ios::binary);  // RAII: closed on every return
  if (!in) {
    return Unexpected(FileError{FileFailure::kIo, path + ": cannot open the file"});
  }
  std::string content(static_cast<std::size_t>(size), '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    return Unexpected(FileError{FileFailure::kIo, path + ": cannot read the file"});
  }
  return content;
}

}  // namespace cop::client
