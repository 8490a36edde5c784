#pragma once

// Parses one kubeconfig file (YAML) into the model. Relative paths (certificate-authority,
// client-certificate, client-key, tokenFile, and an exec command holding a '/') resolve
// against the file's directory, as client-go's ResolvePaths does (tools/clientcmd/loader.go).
// Errors name the file, the line and the field, never a value.

#include <string>
#include <string_view>

#include "operator/client/kubeconfig.h"
#include "operator/common/diagnostic.h"

namespace cop::client {

Result<Kubeconfig> parseKubeconfig(std::string_view text, const std::string& file);

}  // namespace cop::client
