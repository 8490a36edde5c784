#pragma once

// What keeps credentials out of the log. Every message, error text and string value passes
// through redactText(); a field whose key names a credential is written as kRedacted whatever
// its value. The shapes are the repository's one classifier (operator/common/credentials.h,
// through redactValues in message_text.h); only the HTTP Authorization schemes, which are a
// log's concern and have no shape of their own, are added here.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cop::logging {

inline constexpr std::string_view kRedacted = "<redacted>";

// isCredentialName (token, password, secret, client key, ...), and the keys that hold a
// Secret's payload or an HTTP credential header: data, stringData, authorization, cookie, ...
bool isSecretFieldName(std::string_view key);

// `text` with every credential shape replaced by "<redacted: KIND>": a URL's password, a JWT,
// a PEM private key, a connection string password, a well-known token prefix (credentials.h),
// and the credential after "Bearer " or "Basic ".
std::string redactText(std::string text);

// `value` with redactText applied to every string in it and every member whose key is a
// secret field name replaced by kRedacted, at any depth.
nlohmann::json redactValue(const nlohmann::json& value);

}  // namespace cop::logging
