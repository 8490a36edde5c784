#include "operator/cli/filesystem_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cop::cli {

Expected<std::string, load::ReadError> FileSystemReader::read(const std::string& path,
                                                              std::size_t maxBytes) const {
  using load::ReadError;
  using load::ReadFailure;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return Unexpected(ReadError{ReadFailure::kNotFound, path + ": no such file"});
  }
  if (!std::filesystem::is_regular_file(status)) {
    return Unexpected(ReadError{ReadFailure::kNotRegularFile, path + ": not a regular file"});
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    return Unexpected(ReadError{ReadFailure::kIo, path + ": " + ec.message()});
  }
  if (size > maxBytes) {
    return Unexpected(ReadError{ReadFailure::kTooLarge, path + ": " + std::to_string(size) +
                                                            " bytes, more than the limit of " +
                                                            std::to_string(maxBytes)});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Unexpected(ReadError{ReadFailure::kIo, path + ": cannot open"});
  }
  std::string content(static_cast<std::size_t>(size), '\0');
  in.read(content.data(), static_cast<std::streamsize>(size));
  content.resize(static_cast<std::size_t>(in.gcount()));
  return content;
}

}  // namespace cop::cli
