#pragma once

// Every default the translator applies, in one place; the README's "Defaults" table lists
// the same values.

#include <cstdint>
#include <string_view>

namespace cop::translate {

// A service without deploy.resources still gets requests and limits, so that no container
// runs unbounded (the hardening rule) and the scheduler can place it.
inline constexpr std::int64_t kDefaultCpuRequestMilli = 100;
inline constexpr std::int64_t kDefaultCpuLimitMilli = 500;
inline constexpr std::int64_t kDefaultMemoryRequestBytes = 128LL * 1024 * 1024;
inline constexpr std::int64_t kDefaultMemoryLimitBytes = 512LL * 1024 * 1024;

// The user a container runs as when compose names none (restricted profile): any non-zero
// uid passes Pod Security; 1001 is the convention of many hardened images.
inline constexpr std::int64_t kDefaultUid = 1001;

inline constexpr std::string_view kDefaultVolumeSize = "1Gi";
inline constexpr std::string_view kTmpSizeLimit = "256Mi";  // the /tmp emptyDir
inline constexpr std::string_view kTmpPath = "/tmp";
inline constexpr std::string_view kSecretsDir = "/run/secrets";
inline constexpr std::uint32_t kDefaultSecretMode = 0400;
inline constexpr std::uint32_t kDefaultConfigMode = 0444;

// Compose's healthcheck defaults (Compose Specification, healthcheck).
inline constexpr std::int64_t kHealthIntervalMs = 30'000;
inline constexpr std::int64_t kHealthTimeoutMs = 30'000;
inline constexpr int kHealthRetries = 3;
inline constexpr std::int64_t kHealthStartIntervalMs = 5'000;

// The TCP readiness probe for a service with ports and no healthcheck (Kubernetes' own
// probe defaults).
inline constexpr int kTcpProbePeriodSeconds = 10;
inline constexpr int kTcpProbeTimeoutSeconds = 1;
inline constexpr int kTcpProbeFailureThreshold = 3;

// `restart: on-failure` without a count: Kubernetes' own Job default.
inline constexpr int kDefaultJobBackoffLimit = 6;

inline constexpr std::string_view kManagedBy = "compose-operator";
inline constexpr std::string_view kLabelPrefix = "compose.operator.dev/";
inline constexpr std::string_view kStackLabel = "compose.operator.dev/stack";
inline constexpr std::string_view kServiceLabel = "compose.operator.dev/service";
inline constexpr std::string_view kVolumeLabel = "compose.operator.dev/volume";
inline constexpr std::string_view kNetworkLabelPrefix = "net.compose.operator.dev/";
inline constexpr std::string_view kExternalEgressLabel = "compose.operator.dev/external-egress";
inline constexpr std::string_view kDnsEgressLabel = "compose.operator.dev/dns-egress";
inline constexpr std::string_view kDependsOnAnnotation = "compose.operator.dev/depends-on";
inline constexpr std::string_view kComposeNameAnnotation = "compose.operator.dev/compose-name";
inline constexpr std::string_view kRetainAnnotation = "compose.operator.dev/retain";
// On pod templates: SHA-256 of the Secrets and ConfigMaps the pods use (config_hash.cc).
inline constexpr std::string_view kConfigHashAnnotation = "compose.operator.dev/config-hash";

}  // namespace cop::translate
