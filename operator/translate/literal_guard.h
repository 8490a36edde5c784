#pragma once

// The last pass of the translator: no credential reaches a non-Secret object as a literal.
// It walks every string (and key) of every object but Secrets' data, so that a field added
// tomorrow is covered too, and looks for every known credential value of the stack and for
// credentials by their shape (credentials.h). Where Kubernetes gives a safe reference it
// rewrites:
//   * a container's env value  -> valueFrom.secretKeyRef into the service's `-env` Secret;
//   * a container's command or args -> `$(NAME)`, NAME a Secret-backed env var of the
//     container (Kubernetes expands $(NAME) there);
// and everywhere else (exec probes, which Kubernetes does not expand, labels, annotations,
// image, workingDir, hostAliases, ConfigMaps, ...) it refuses with an error that names the
// file, service, field and variable, never the value.
//
// Values of secret variables (TranslateOptions::secretVariables: they come from Kubernetes
// Secrets) are known credentials whatever their length. Those shorter than
// kMinSensitiveLength are searched for only where a match costs nothing but tidiness: in env
// values (the entry moves into the -env Secret; its value is the same) and in command and
// args (the text becomes $(NAME), which Kubernetes expands back to the same text). Where the
// guard refuses (labels, annotations, image, ConfigMaps, ...) and in CMD-SHELL probes (where
// a reference inside a word would change the script), a short value is not searched for: it
// would match by chance ("80" in a port, "on" in "daemon") and refuse or break sound stacks.
// So a secret of fewer than kMinSensitiveLength characters that a compose file writes into
// such a field reaches it as a literal; a config that takes a secret variable by
// `environment:` is refused whatever its length (secret_files.cc).

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "operator/common/credentials.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

// The stack's known credential values: values of credential-named variables that
// interpolation used, credential environment entries and the contents of the stack's own
// secrets. Values shorter than kMinSensitiveLength are left out, and so are values the stack
// also gives to a variable whose name says nothing of credentials (MYSQL_USER=wordpress next
// to MYSQL_PASSWORD=wordpress): that text is public already.
// `secretValues` (secretValues() below) are added whatever their names and whether or not
// another variable shares them.
KnownCredentials knownCredentials(
    const load::Project& project,
    const std::vector<std::pair<std::string, std::string>>& secretValues = {});

// The values of the secret variables that interpolation used: (variable, value), in the
// variables' order, empty values left out.
std::vector<std::pair<std::string, std::string>> secretValues(
    const load::Project& project, const std::set<std::string>& secretVariables);

// Whether a text holds a known credential value or a credential by its shape.
bool holdsCredential(std::string_view text, const KnownCredentials& known);

Status guardLiterals(StackContext& stack);

}  // namespace cop::translate::detail
