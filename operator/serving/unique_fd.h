#pragma once

// A move-only owner of one file descriptor, closed on destruction: every socket, eventfd and
// signalfd the serving code opens lives in one, so no error path leaks an fd.

#include <unistd.h>

#include <utility>

namespace cop::serving {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset(std::exchange(other.fd_, -1));
    }
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) {
      ::close(fd_);  // EINTR: Linux has closed the fd anyway, so never retry
    }
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace cop::serving
