#pragma once

// Compose's short volume syntax, `[SOURCE:]TARGET[:MODES]`. A source that starts with ".",
// "/" or "~" is a host path (bind mount); anything else names a volume; no source is an
// anonymous volume.

#include <string>
#include <string_view>

#include "operator/common/diagnostic.h"

namespace cop::load {

struct VolumeSpec {
  std::string type;  // volume | bind
  std::string source;
  std::string target;
  bool readOnly = false;
};

Result<VolumeSpec> parseVolumeSpec(std::string_view text);

bool looksLikeHostPath(std::string_view source);

}  // namespace cop::load
