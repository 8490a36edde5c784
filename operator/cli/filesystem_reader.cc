#include "operator/cli/filesystem_reader.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "operator/load/paths.h"

namespace cop::cli {

namespace {

using load::ReadError;
using load::ReadFailure;

// Owns a file descriptor (RAII for the C handle).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd = -1) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Flags for every open: never block on a FIFO, never become a controlling terminal.
constexpr int kOpenFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

Unexpected<ReadError> failure(ReadFailure kind, const std::string& path, const std::string& why) {
  return Unexpected(ReadError{kind, path + ": " + why});
}

Unexpected<ReadError> openFailure(const std::string& path, int error) {
  if (error == ENOENT || error == ENOTDIR) {
    return failure(ReadFailure::kNotFound, path, "no such file");
  }
  if (error == EXDEV || error == ELOOP) {
    return failure(ReadFailure::kOutsideProject, path,
                   "resolves (through a symlink) outside the project directory");
  }
  return failure(ReadFailure::kIo, path, std::strerror(error));
}

// openat2(RESOLVE_BENEATH) of `relative` below `root`; falls back to resolving the path and
// comparing prefixes where the kernel lacks openat2 (before 5.6) or a sandbox forbids it.
Expected<FileDescriptor, ReadError> openBeneath(const std::string& root,
                                                const std::string& relative,
                                                const std::string& shown) {
  FileDescriptor rootFd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootFd.valid()) {
    return openFailure(shown, errno);
  }
  open_how how{};
  how.flags = kOpenFlags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, rootFd.get(), relative.c_str(), &how, sizeof how);
  if (fd >= 0) {
    return FileDescriptor(static_cast<int>(fd));
  }
  if (errno != ENOSYS && errno != EPERM) {
    return openFailure(shown, errno);
  }
  char resolvedRoot[PATH_MAX];
  char resolvedPath[PATH_MAX];
  const std::string full = root + "/" + relative;
  if (::realpath(root.c_str(), resolvedRoot) == nullptr ||
      ::realpath(full.c_str(), resolvedPath) == nullptr) {
    return openFailure(shown, errno);
  }
  if (!load::isWithin(resolvedPath, resolvedRoot)) {
    return openFailure(shown, EXDEV);
  }
  FileDescriptor opened(::open(resolvedPath, kOpenFlags));
  if (!opened.valid()) {
    return openFailure(shown, errno);
  }
  return opened;
}

// Reads a whole regular file from an open descriptor, checking what it is on the
// descriptor itself, and stopping one byte past the limit (a /proc file reports size 0).
Expected<std::string, ReadError> readRegular(const FileDescriptor& fd, const std::string& path,
                                             std::size_t maxBytes) {
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return failure(ReadFailure::kIo, path, std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) {
    return failure(ReadFailure::kDirectory, path, "a directory, not a file");
  }
  if (!S_ISREG(info.st_mode)) {
    return failure(ReadFailure::kNotRegularFile, path,
                   "not a regular file (a device, a FIFO or a socket)");
  }
  struct statfs filesystem {};
  if (::fstatfs(fd.get(), &filesystem) == 0 &&
      (filesystem.f_type == PROC_SUPER_MAGIC || filesystem.f_type == SYSFS_MAGIC)) {
    return failure(ReadFailure::kNotRegularFile, path, "a /proc or /sys file, not a user file");
  }
  if (static_cast<std::size_t>(info.st_size) > maxBytes) {
    return failure(ReadFailure::kTooLarge, path,
                   std::to_string(info.st_size) + " bytes, more than the limit of " +
                       std::to_string(maxBytes));
  }
  std::string content;
  char buffer[64 * 1024];
  while (true) {
    const ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return failure(ReadFailure::kIo, path, std::strerror(errno));
    }
    if (got == 0) {
      return content;
    }
    content.append(buffer, static_cast<std::size_t>(got));
    if (content.size() > maxBytes) {
      return failure(ReadFailure::kTooLarge, path,
                     "more than the limit of " + std::to_string(maxBytes) + " bytes");
    }
  }
}

}  // namespace

FileSystemReader::FileSystemReader(std::string projectDir,
                                   const std::vector<std::string>& namedFiles)
    : projectDir_(load::normalizePath(projectDir.empty() ? "." : projectDir)) {
  for (const std::string& file : namedFiles) {
    namedFiles_.push_back(load::normalizePath(file));
  }
}

Expected<std::string, ReadError> FileSystemReader::read(const std::string& path,
                                                        std::size_t maxBytes) const {
  const std::string normalized = load::normalizePath(path);
  if (std::find(namedFiles_.begin(), namedFiles_.end(), normalized) != namedFiles_.end()) {
    FileDescriptor fd(::open(normalized.c_str(), kOpenFlags));
    if (!fd.valid()) {
      return openFailure(path, errno);
    }
    return readRegular(fd, path, maxBytes);
  }
  if (!load::isWithin(normalized, projectDir_)) {
    return failure(ReadFailure::kOutsideProject, path,
                   "outside the project directory (a compose file may name only files at or "
                   "below its own directory)");
  }
  std::string relative = ".";
  if (projectDir_ == ".") {
    relative = normalized;
  } else if (normalized != projectDir_) {
    relative = normalized.substr(projectDir_ == "/" ? 1 : projectDir_.size() + 1);
  }
  auto fd = openBeneath(projectDir_, relative, path);
  if (!fd) {
    return Unexpected(std::move(fd).error());
  }
  return readRegular(*fd, path, maxBytes);
}

}  // namespace cop::cli
