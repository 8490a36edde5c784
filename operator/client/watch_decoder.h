#pragma once

// Incremental decoder of a watch response body (kube-runtime.md §1.2): newline-delimited JSON
// WatchEvents, fed in arbitrary chunks as libcurl's write callback delivers them. It keeps only
// the unconsumed tail of the stream, cuts at each '\n' (JSON has no raw newline) and parses each
// complete line exactly once. One event's size is bounded, so memory is too.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "operator/client/watch_event.h"
#include "operator/common/result.h"

namespace cop::client {

// Kubernetes objects are bounded by etcd's default --max-request-bytes (1.5 MiB) and the
// apiserver's request-body limit (3 MiB, MaxRequestBodyBytes); a watch event wraps one object.
// 8 MiB leaves room for re-encoding and is still a bound (no "read everything" buffer, §9).
inline constexpr std::size_t kDefaultMaxWatchEventBytes = std::size_t{8} << 20;

struct WatchStreamError {
  enum class Kind {
    TooLarge,   // one event exceeds the limit
    Malformed,  // not JSON, or not a WatchEvent
    Truncated,  // the stream ended inside an event (a tail at EOF, §1.2)
  };
  Kind kind = Kind::Malformed;
  // Never quotes the stream: an event may hold a Secret's data.
  std::string message;
};

class WatchDecoder {
 public:
  explicit WatchDecoder(std::size_t maxEventBytes = kDefaultMaxWatchEventBytes);

  // Consumes `bytes` and appends every event completed by them to `events`. After an error the
  // decoder stays failed: the caller drops the stream (and relists, §1.7 "decode error").
  Expected<void, WatchStreamError> feed(std::string_view bytes, std::vector<WatchEvent>& events);

  // The stream ended: an unfinished event is an error; blank trailing bytes are not.
  Expected<void, WatchStreamError> finish();

  // Bytes held for the event in progress.
  std::size_t pendingBytes() const { return pending_.size(); }

 private:
  Expected<void, WatchStreamError> fail(WatchStreamError error);
  Expected<void, WatchStreamError> decodeLine(std::string_view line,
                                              std::vector<WatchEvent>& events);

  std::size_t maxEventBytes_;
  std::string pending_;
  std::optional<WatchStreamError> failed_;
};

// Parses one complete line (without its '\n'). Exposed for tests and the watch-list fallback.
Expected<WatchEvent, WatchStreamError> parseWatchEvent(std::string_view line);

}  // namespace cop::client
