#include "operator/load/volume_syntax.h"

#include <vector>

#include "operator/common/message_text.h"

namespace cop::load {

namespace {

// Modes Docker accepts after the target; only ro changes what we emit.
bool isKnownMode(std::string_view mode) {
  static constexpr std::string_view kModes[] = {
      "rw",        "ro",     "z",       "Z",     "nocopy", "consistent", "cached",
      "delegated", "shared", "rshared", "slave", "rslave", "private",    "rprivate"};
  for (std::string_view known : kModes) {
    if (mode == known) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool looksLikeHostPath(std::string_view source) {
  return source.starts_with('.') || source.starts_with('/') || source.starts_with('~');
}

Result<VolumeSpec> parseVolumeSpec(std::string_view text) {
  if (text.empty()) {
    return fail("an empty volume entry");
  }
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(
        text.substr(start, colon == std::string_view::npos ? text.npos : colon - start));
    if (colon == std::string_view::npos) {
      break;
    }
    start = colon + 1;
  }
  VolumeSpec spec;
  if (parts.size() > 3) {
    return fail("invalid volume '" + excerpt(text) + "' (expected [SOURCE:]TARGET[:MODE])");
  }
  if (parts.size() == 1) {
    spec.target = std::string(parts[0]);
  } else {
    spec.source = std::string(parts[0]);
    spec.target = std::string(parts[1]);
  }
  if (parts.size() == 3) {
    std::string_view modes = parts[2];
    std::size_t from = 0;
    while (from <= modes.size()) {
      const std::size_t comma = modes.find(',', from);
      std::string_view mode =
          modes.substr(from, comma == std::string_view::npos ? modes.npos : comma - from);
      if (!isKnownMode(mode)) {
        return fail("invalid volume '" + excerpt(text) + "': unknown mode '" + std::string(mode) +
                    "'");
      }
      spec.readOnly = spec.readOnly || mode == "ro";
      if (comma == std::string_view::npos) {
        break;
      }
      from = comma + 1;
    }
  }
  if (spec.target.empty() || spec.target.front() != '/') {
    return fail("invalid volume '" + excerpt(text) + "': the target '" + spec.target +
                "' must be an absolute path in the container");
  }
  spec.type = looksLikeHostPath(spec.source) ? "bind" : "volume";
  return spec;
}

}  // namespace cop::load
