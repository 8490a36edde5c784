#include "operator/leaderelection/identity.h"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>

namespace cop::leaderelection {

std::string uuidV4(const RandomSource& random) {
  std::uint64_t high = random();
  std::uint64_t low = random();
  // Version 4 in the top nibble of time_hi_and_version; variant 10xx in clock_seq_hi.
  high = (high & ~0x000000000000F000ULL) | 0x0000000000004000ULL;
  low = (low & ~0xC000000000000000ULL) | 0x8000000000000000ULL;
  char buffer[37];
  std::snprintf(buffer, sizeof buffer, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(high >> 32),
                static_cast<unsigned long long>((high >> 16) & 0xFFFF),
                static_cast<unsigned long long>(high & 0xFFFF),
                static_cast<unsigned long long>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return buffer;
}

std::string defaultIdentity(std::string_view hostname, const RandomSource& random) {
  return std::string(hostname) + "_" + uuidV4(random);
}

Expected<std::string, std::string> localHostname() {
  char buffer[HOST_NAME_MAX + 1] = {};
  if (gethostname(buffer, sizeof buffer - 1) != 0) {
    return Unexpected(std::string("gethostname: ") + std::strerror(errno));
  }
  return std::string(buffer);
}

}  // namespace cop::leaderelection
