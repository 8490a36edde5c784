#pragma once

// Text that goes into a ComposeStack's status or into an Event. It is read in `kubectl get`,
// `kubectl describe` and in GitOps dashboards, and much of it is not ours: a container's
// termination message is whatever the program wrote (a stack trace, binary junk). So every
// such text is made one printable line of valid UTF-8 (the API server refuses JSON strings
// that are not), and bounded, so that one chatty container cannot bloat the status object.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cop::stack {

// Appended to a text that bounded() cut, so that a reader knows there was more.
inline constexpr std::string_view kCutMarker = "...";

// `text` as one line: each byte that is not valid UTF-8 becomes U+FFFD; control characters
// (C0, DEL, C1), U+2028, U+2029 and U+FEFF become a space; runs of spaces collapse into one;
// leading and trailing spaces go. A multi-line stack trace stays readable as one line.
std::string oneLine(std::string_view text);

// `text` (valid UTF-8) when it fits in `maxBytes`; otherwise its longest prefix that ends on a
// character boundary and leaves room for kCutMarker, followed by kCutMarker. The result never
// exceeds maxBytes (for maxBytes < kCutMarker.size(), the marker itself is cut).
std::string bounded(std::string text, std::size_t maxBytes);

// bounded(oneLine(text), maxBytes): what every status and event text goes through.
inline std::string boundedLine(std::string_view text, std::size_t maxBytes) {
  return bounded(oneLine(text), maxBytes);
}

// An RFC 3339 time ("2026-05-01T10:00:00Z", "2026-05-01t12:00:00.5+02:00") in the form the API
// server stores a metav1.Time: UTC, whole seconds, "Z" ("2026-05-01T10:00:00Z"). A
// lastTransitionTime we write with fractions or an offset would come back different and make
// every comparison with the live status fail. nullopt when `text` is not such a time.
std::optional<std::string> canonicalTime(std::string_view text);

}  // namespace cop::stack
