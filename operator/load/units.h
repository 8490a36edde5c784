#pragma once

// Compose's value units: durations ("1m30s", Go syntax), byte sizes ("768M", binary units as
// compose uses them) and CPU counts ("0.5"). Results are integers; nothing here rounds
// silently except where the doc comment says so.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cop::load {

// Milliseconds, rounded up to a whole millisecond. A bare number is seconds (compose-go
// accepts that for some fields). Fails (nullopt) on anything else, or on overflow.
std::optional<std::int64_t> parseDurationMs(std::string_view text);

// Bytes. Units b, k/kb, m/mb, g/gb, t/tb (any case, 1024-based, as compose-go's RAMInBytes);
// a bare number is bytes; decimals allowed ("1.5g"). nullopt on anything else.
std::optional<std::int64_t> parseBytes(std::string_view text);

// CPUs as millicores: "0.5" -> 500, "2" -> 2000. nullopt unless a non-negative number.
std::optional<std::int64_t> parseMilliCpus(std::string_view text);

// Kubernetes quantity text for a byte count: the largest exact binary suffix ("768Mi"), or
// plain bytes when no suffix divides it.
std::string bytesToQuantity(std::int64_t bytes);

// Kubernetes quantity text for millicores: "500m", or "2" for whole CPUs.
std::string milliCpusToQuantity(std::int64_t milliCpus);

// Whole seconds, rounded up, at least `minimum` (probes need >= 1).
std::int64_t msToSecondsCeil(std::int64_t ms, std::int64_t minimum = 0);

}  // namespace cop::load
