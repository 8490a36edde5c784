#pragma once

// A candidate's identity: controller-runtime pkg/leaderelection/leader_election.go uses
// `os.Hostname() + "_" + uuid.NewUUID()` (a random, version 4 UUID), so two replicas on one
// host, or a restarted pod with the same name, never share an identity.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "operator/common/result.h"

namespace cop::leaderelection {

// 64 uniformly random bits per call.
using RandomSource = std::function<std::uint64_t()>;

// A version 4 UUID (RFC 4122 §4.4), lower-case hex with dashes.
std::string uuidV4(const RandomSource& random);

// "<hostname>_<uuid v4>".
std::string defaultIdentity(std::string_view hostname, const RandomSource& random);

// gethostname(2), or why it failed (controller-runtime fails the same way).
Expected<std::string, std::string> localHostname();

}  // namespace cop::leaderelection
