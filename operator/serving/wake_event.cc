#include "operator/serving/wake_event.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace cop::serving {

Expected<WakeEvent, std::string> WakeEvent::create() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    return Unexpected(std::string("eventfd: ") + std::strerror(errno));
  }
  return WakeEvent(UniqueFd(fd));
}

void WakeEvent::set() const {
  const std::uint64_t one = 1;
  // Only fails with EAGAIN when the counter is near 2^64: it is readable already.
  [[maybe_unused]] const ssize_t n = ::write(fd_.get(), &one, sizeof one);
}

bool WakeEvent::isSet() const {
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
}

}  // namespace cop::serving
