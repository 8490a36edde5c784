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

#include <string>
#include <string_view>

#include "operator/common/credentials.h"
#include "operator/translate/stack_context.h"

namespace cop::translate::detail {

// The stack's known credential values: values of credential-named variables that
// interpolation used, credential environment entries and the contents of the stack's own
// secrets. Values shorter than kMinSensitiveLength are left out, and so are values the stack
// also gives to a variable whose name says nothing of credentials (MYSQL_USER=wordpress next
// to MYSQL_PASSWORD=wordpress): that text is public already.
KnownCredentials knownCredentials(const load::Project& project);

// Whether a text holds a known credential value or a credential by its shape.
bool holdsCredential(std::string_view text, const KnownCredentials& known);

Status guardLiterals(StackContext& stack);

}  // namespace cop::translate::detail
