#include "operator/client/response_headers.h"

#include "operator/common/text.h"

namespace cop::client {

std::vector<std::string> headerValues(const ResponseHeaders& headers, std::string_view name) {
  const std::string wanted = toLower(name);
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (toLower(key) == wanted) {
      values.push_back(value);
    }
  }
  return values;
}

std::string firstHeaderValue(const ResponseHeaders& headers, std::string_view name) {
  const std::string wanted = toLower(name);
  for (const auto& [key, value] : headers) {
    if (toLower(key) == wanted) {
      return value;
    }
  }
  return {};
}

}  // namespace cop::client
