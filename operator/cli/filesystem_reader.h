#pragma once

// The convert command's SourceReader: real files, read whole, size-checked before reading.

#include "operator/load/source_reader.h"

namespace cop::cli {

class FileSystemReader final : public load::SourceReader {
 public:
  // load::SourceReader
  Expected<std::string, load::ReadError> read(const std::string& path,
                                              std::size_t maxBytes) const override;
};

}  // namespace cop::cli
