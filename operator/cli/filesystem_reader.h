#pragma once

// The convert command's SourceReader: real files, confined to the project.
//
// A compose file names other files (include, extends, env_file, bind sources, secret and
// config files) and a stack must not read outside its project through them: not with "../..",
// not with an absolute path, not through a symlink that points elsewhere, and never a /proc or
// /sys file, a device, a FIFO or a socket. Paths are resolved by the kernel below the project
// directory (openat2 with RESOLVE_BENEATH, which also refuses symlinks that leave it), and the
// opened file is checked on its descriptor, so nothing can be swapped in between a check and
// the read. The files the user named on the command line (-f, --env-file) are read where they
// are, as compose does.

#include <string>
#include <vector>

#include "operator/load/source_reader.h"

namespace cop::cli {

class FileSystemReader final : public load::SourceReader {
 public:
  FileSystemReader(std::string projectDir, const std::vector<std::string>& namedFiles);

  // load::SourceReader
  Expected<std::string, load::ReadError> read(const std::string& path,
                                              std::size_t maxBytes) const override;

 private:
  std::string projectDir_;               // normalised; "." for the working directory
  std::vector<std::string> namedFiles_;  // normalised
};

}  // namespace cop::cli
